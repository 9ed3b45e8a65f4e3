import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mapWithConcurrency } from '../concurrency';
import type { ItemCheck, ItemRules } from '../validate/validateItems';
import { validateItems } from '../validate/validateItems';
import type { BinaryMediaField, SignedMedia } from './binaryMedia';
import { signBinaryMedia } from './binaryMedia';

export interface MediaChecks<Output> {
	checks: Array<ItemCheck<Output>>;
	/** Item index → length of its motion video, measured from binary data. */
	videoSeconds: Map<number, number>;
}

/**
 * Validates every item like `validateItems`, with each binary media input first checked and
 * replaced by its signed URL, so the URL rules apply to it too.
 */
export async function validateWithMedia<Output>(
	ctx: IExecuteFunctions,
	rules: ItemRules<Output>,
	fields: readonly BinaryMediaField[],
	settings: { maxConcurrency: number; allowPrivateUrls: boolean; waitMode: string },
): Promise<MediaChecks<Output>> {
	const itemCount = ctx.getInputData().length;
	const indices = Array.from({ length: itemCount }, (_, itemIndex) => itemIndex);
	const media = await mapWithConcurrency(indices, settings.maxConcurrency, async (itemIndex) => {
		try {
			return await signBinaryMedia(ctx, itemIndex, fields, settings);
		} catch (error) {
			if (error instanceof NodeOperationError) return error;
			return new NodeOperationError(ctx.getNode(), error as Error, {
				itemIndex,
				description: 'Reading the binary input failed. Nothing was sent to APIXO.',
			});
		}
	});
	const urlsOf = (itemIndex: number) => {
		const signed = media[itemIndex];
		return signed instanceof NodeOperationError ? {} : signed.urls;
	};
	const validated = await validateItems(ctx, itemCount, {
		...rules,
		readParameters: (context, itemIndex) => ({ ...rules.readParameters(context, itemIndex), ...urlsOf(itemIndex) }),
	});
	const checks = validated.map((check): ItemCheck<Output> => {
		const signed = media[check.itemIndex];
		return signed instanceof NodeOperationError ? { itemIndex: check.itemIndex, ok: false, error: signed } : check;
	});
	const videoSeconds = new Map<number, number>();
	media.forEach((signed: SignedMedia | NodeOperationError, itemIndex) => {
		if (!(signed instanceof NodeOperationError) && signed.videoSeconds !== undefined) {
			videoSeconds.set(itemIndex, signed.videoSeconds);
		}
	});
	return { checks, videoSeconds };
}

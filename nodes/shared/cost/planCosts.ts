import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ApiInput } from '../api/schemas';
import { mapWithConcurrency } from '../concurrency';
import { TimeSlices } from '../timeSlices';
import type { ItemCheck } from '../validate/validateItems';
import type { CostEstimate } from './price';
import { MOTION_CONTROL_MAX_SECONDS, estimateCost } from './price';
import type { VideoProbe } from './probeVideoSeconds';
import { probeVideoSeconds } from './probeVideoSeconds';

export interface PricedInput {
	itemIndex: number;
	input: ApiInput;
	cost: CostEstimate;
}

/**
 * Prices every valid item. Motion control is billed by its reference video's length, so that
 * video is measured first; one over APIXO's 30 s limit is refused here, before any payment.
 */
export async function planCosts(
	ctx: IExecuteFunctions,
	checks: Array<ItemCheck<ApiInput>>,
	settings: { maxConcurrency: number; requestTimeoutMs: number; allowPrivateUrls: boolean },
	measuredVideoSeconds: ReadonlyMap<number, number> = new Map(),
): Promise<Array<ItemCheck<PricedInput>>> {
	const slices = new TimeSlices();
	return await mapWithConcurrency(checks, settings.maxConcurrency, async (check) => {
		await slices.yieldIfDue();
		if (!check.ok) return check;
		const { itemIndex, value: input } = check;
		const measured = measuredVideoSeconds.get(itemIndex);
		// A motion video from binary data was measured from its bytes: no request to ourselves.
		const probe: VideoProbe | undefined = measured !== undefined
			? { kind: 'measured', seconds: measured }
			: input.mode === 'motion-control' && input.video_urls?.[0]
				? await probeVideoSeconds(ctx.helpers, input.video_urls[0], {
						timeoutMs: settings.requestTimeoutMs,
						allowPrivateUrls: settings.allowPrivateUrls,
					})
				: undefined;
		if (probe?.kind === 'notVideo') {
			const error = new NodeOperationError(
				ctx.getNode(),
				`Item ${itemIndex + 1}: Motion Video URL ${probe.reason}: APIXO could not use it as the motion video`,
				{ itemIndex, description: 'Use a public URL of an MP4, MOV or M4V video. Nothing was sent to APIXO.' },
			);
			return { itemIndex, ok: false, error };
		}
		const referenceSeconds = probe?.kind === 'measured' ? probe.seconds : undefined;
		if (referenceSeconds !== undefined && referenceSeconds > MOTION_CONTROL_MAX_SECONDS) {
			const error = new NodeOperationError(
				ctx.getNode(),
				`Item ${itemIndex + 1}: Motion Video URL points at a ${referenceSeconds.toFixed(1)} s video: APIXO accepts ${MOTION_CONTROL_MAX_SECONDS} s at most`,
				{ itemIndex, description: 'Trim the reference video to 30 seconds or less. Nothing was sent to APIXO.' },
			);
			return { itemIndex, ok: false, error };
		}
		return { itemIndex, ok: true, value: { itemIndex, input, cost: estimateCost(input, referenceSeconds) } };
	});
}

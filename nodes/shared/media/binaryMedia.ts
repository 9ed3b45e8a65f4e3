import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { videoSecondsFrom } from '../cost/probeVideoSeconds';
import { publicUrlProblem } from '../validate/publicUrl';
import type { MediaKind } from './signature';
import { MAX_IMAGE_BYTES, mediaKindOf } from './signature';

/** A media input that may come from binary data instead of a URL. */
export interface BinaryMediaField {
	/** The URL parameter the signed URL stands in for, e.g. `startImageUrl`. */
	urlParameter: string;
	sourceParameter: string;
	propertyParameter: string;
	label: string;
	kind: MediaKind;
	/** An empty binary property means "no such input" (the end frame). */
	optional?: boolean;
}

/**
 * APIXO fetches the media when it starts the task, which can queue behind others; a render
 * rarely starts later than an hour after the submit. The token cannot be revoked, so no longer.
 */
export const SIGNED_URL_LIFETIME = '2 hours';

export interface SignedMedia {
	/** URL parameter → the signed URL (or '' for an optional input left empty). */
	urls: Record<string, string>;
	/** Length of a motion video, read from its bytes. */
	videoSeconds?: number;
}

type SigningHelpers = IExecuteFunctions['helpers'] & {
	createBinarySignedUrl?: (binaryData: IBinaryData, expiresIn?: string) => string;
};

/**
 * Turns the item's binary inputs into URLs of this n8n instance that APIXO can fetch, checking
 * the bytes first: their type by signature, an image's size, a video's length. Throws, before
 * anything is paid, what to fix.
 */
export async function signBinaryMedia(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: readonly BinaryMediaField[],
	settings: { allowPrivateUrls: boolean; waitMode?: string },
): Promise<SignedMedia> {
	const signed: SignedMedia = { urls: {} };
	for (const field of fields) {
		if (ctx.getNodeParameter(field.sourceParameter, itemIndex, 'url') !== 'binary') continue;
		const property = String(ctx.getNodeParameter(field.propertyParameter, itemIndex, '')).trim();
		const refuse = (message: string, fix: string) =>
			new NodeOperationError(ctx.getNode(), `Item ${itemIndex + 1}: ${field.label} ${message}`, {
				itemIndex,
				description: `${fix} Nothing was sent to APIXO.`,
			});
		if (!property) {
			if (field.optional) {
				signed.urls[field.urlParameter] = '';
				continue;
			}
			throw refuse('needs a binary property name', 'Enter the name of the binary field, e.g. data.');
		}
		const binary = ctx.getInputData()[itemIndex]?.binary?.[property];
		if (!binary) {
			const present = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {}).join(', ') || 'none';
			throw refuse(`has no binary field “${property}” in the input item (present: ${present})`, 'Name the binary field the previous node outputs.');
		}
		// n8n moves a Webhook/Form trigger's uploads from executions/temp/ to the execution's id when
		// the execution goes to wait, and the signed URL then answers 404 to APIXO.
		if (settings.waitMode === 'resume' && binary.id?.includes('/executions/temp/')) {
			throw refuse(
				'is a trigger’s upload, which n8n moves when the execution starts waiting: APIXO would get 404',
				'Use Wait Mode “Poll” (or “No Wait” plus Task → Wait) for media from a Webhook or Form Trigger.',
			);
		}
		const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
		const kind = mediaKindOf(bytes.subarray(0, 16));
		if (kind !== field.kind) {
			throw refuse(
				`is not ${field.kind === 'image' ? 'a JPEG or PNG image' : 'an MP4, MOV or M4V video'} (${binary.mimeType || 'no type'}, checked by its bytes)`,
				field.kind === 'image' ? 'Convert the image to JPEG or PNG first.' : 'Convert the video to MP4 first.',
			);
		}
		if (kind === 'image' && bytes.length > MAX_IMAGE_BYTES) {
			throw refuse(`is ${(bytes.length / 1048576).toFixed(1)} MB: APIXO takes images up to 10 MB`, 'Resize or compress the image.');
		}
		if (kind === 'video') {
			const probe = await videoSecondsFrom(async (offset, length) => bytes.subarray(offset, offset + length));
			if (probe.kind === 'notVideo') throw refuse(probe.reason, 'Convert the video to MP4 first.');
			if (probe.kind === 'measured') signed.videoSeconds = probe.seconds;
		}
		signed.urls[field.urlParameter] = await signedUrl(ctx, itemIndex, binary, property, settings.allowPrivateUrls, refuse);
	}
	return signed;
}

async function signedUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	binary: IBinaryData,
	property: string,
	allowPrivateUrls: boolean,
	refuse: (message: string, fix: string) => NodeOperationError,
): Promise<string> {
	const helpers = ctx.helpers as SigningHelpers;
	if (typeof helpers.createBinarySignedUrl !== 'function') {
		throw refuse('cannot be sent: this n8n cannot sign binary data URLs', 'Update n8n to 1.90 or later (signed binary URLs arrived there), or pass a public URL instead (Source: URL).');
	}
	// Bytes a Code node (or pinned data) put inline have no stored id, and only stored data can be signed.
	const stored = binary.id
		? binary
		: await ctx.helpers.prepareBinaryData(await ctx.helpers.getBinaryDataBuffer(itemIndex, property), binary.fileName, binary.mimeType);
	if (!stored.id) {
		throw refuse(
			'is held in memory, and n8n signs URLs only for stored binary data',
			'Set N8N_DEFAULT_BINARY_DATA_MODE=filesystem (or database/s3) and restart n8n, or pass a public URL instead.',
		);
	}
	const url = helpers.createBinarySignedUrl(stored, SIGNED_URL_LIFETIME);
	if (allowPrivateUrls) return url;
	const problem = publicUrlProblem(url) ?? (url.startsWith('https://') ? undefined : 'is not https');
	if (problem) {
		throw refuse(
			`would reach APIXO as ${new URL(url).origin}/…, which ${problem}`,
			'Set WEBHOOK_URL to this n8n’s public https address (APIXO fetches the file from it), or turn on the option Allow Private URLs for a tunnel.',
		);
	}
	return url;
}

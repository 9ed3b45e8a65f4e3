import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import type { ApiInput } from '../../../shared/api/schemas';
import * as field from '../../../shared/validate/fields';
import type { BinaryMediaField } from '../../../shared/media/binaryMedia';
import { mediaSourceProperties } from '../../../shared/media/binaryMedia.description';
import type { VideoOperation } from './VideoOperation';
import {
	additionalFields,
	cfgScaleOption,
	durationProperty,
	negativePromptOption,
	priceNotices,
	promptProperty,
	soundProperty,
} from './common.description';

const startImage: BinaryMediaField = {
	urlParameter: 'startImageUrl',
	sourceParameter: 'startImageSource',
	propertyParameter: 'startImageBinaryProperty',
	label: 'Start Image',
	kind: 'image',
};
const endImage: BinaryMediaField = {
	urlParameter: 'endImageUrl',
	sourceParameter: 'endImageSource',
	propertyParameter: 'endImageBinaryProperty',
	label: 'End Image',
	kind: 'image',
	optional: true,
};

const properties: INodeProperties[] = [
	...mediaSourceProperties(startImage, {
		displayName: 'Start Image URL',
		name: 'startImageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/start.png',
		description: 'Public, direct URL of a JPG or PNG: the first frame of the video',
	}),
	...mediaSourceProperties(endImage, {
		displayName: 'End Image URL',
		name: 'endImageUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/end.png',
		description: 'Optional public, direct URL of a JPG or PNG: the last frame of the video',
	}),
	promptProperty({ required: true }),
	durationProperty,
	soundProperty,
	...priceNotices,
	additionalFields([cfgScaleOption, negativePromptOption('blur, low quality')]),
];

const schema = z
	.object({
		startImageUrl: field.imageUrl,
		endImageUrl: field.optionalImageUrl,
		prompt: field.requiredPrompt,
		duration: field.duration,
		sound: field.sound,
		negativePrompt: field.optionalText,
		cfgScale: field.cfgScale,
		allowPrivateUrls: field.allowPrivateUrls,
	})
	.superRefine(field.mediaHostsArePublic(['startImageUrl', 'endImageUrl']))
	.transform(
		(value): ApiInput => ({
			mode: 'image-to-video',
			prompt: value.prompt,
			duration: value.duration,
			sound: value.sound,
			image_urls: value.endImageUrl
				? [value.startImageUrl, value.endImageUrl]
				: [value.startImageUrl],
			negative_prompt: value.negativePrompt,
			cfg_scale: value.cfgScale,
		}),
	);

function readParameters(ctx: IExecuteFunctions, itemIndex: number) {
	const extra = ctx.getNodeParameter('additionalFields', itemIndex, {}) as {
		negativePrompt?: string;
		cfgScale?: number;
	};
	return {
		startImageUrl: ctx.getNodeParameter('startImageUrl', itemIndex, ''),
		endImageUrl: ctx.getNodeParameter('endImageUrl', itemIndex, ''),
		prompt: ctx.getNodeParameter('prompt', itemIndex, ''),
		duration: ctx.getNodeParameter('duration', itemIndex, 5),
		sound: ctx.getNodeParameter('sound', itemIndex, false),
		negativePrompt: extra.negativePrompt,
		cfgScale: extra.cfgScale,
		allowPrivateUrls: ctx.getNodeParameter('options.allowPrivateCallbackUrl', itemIndex, false),
	};
}

export const imageToVideo: VideoOperation = {
	binaryMedia: [startImage, endImage],
	mode: 'image-to-video',
	description: updateDisplayOptions(
		{ show: { resource: ['video'], operation: ['imageToVideo'] } },
		properties,
	),
	rules: {
		readParameters,
		schema,
		fieldLabels: {
			startImageUrl: 'Start Image URL',
			endImageUrl: 'End Image URL',
			prompt: 'Prompt',
			duration: 'Duration',
			sound: 'Sound',
			negativePrompt: 'Negative Prompt',
			allowPrivateUrls: 'Allow Private URLs',
			cfgScale: 'CFG Scale',
		},
	},
};

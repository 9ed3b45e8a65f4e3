import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import type { ApiInput } from '../../../shared/api/schemas';
import { PRICE_PER_SECOND } from '../../../shared/cost/price';
import * as field from '../../../shared/validate/fields';
import type { BinaryMediaField } from '../../../shared/media/binaryMedia';
import { mediaSourceProperties } from '../../../shared/media/binaryMedia.description';
import type { VideoOperation } from './VideoOperation';
import { additionalFields, negativePromptOption, promptProperty } from './common.description';

const characterImage: BinaryMediaField = {
	urlParameter: 'imageUrl',
	sourceParameter: 'imageSource',
	propertyParameter: 'imageBinaryProperty',
	label: 'Character Image',
	kind: 'image',
};
const motionVideo: BinaryMediaField = {
	urlParameter: 'videoUrl',
	sourceParameter: 'videoSource',
	propertyParameter: 'videoBinaryProperty',
	label: 'Motion Video',
	kind: 'video',
};

const properties: INodeProperties[] = [
	...mediaSourceProperties(characterImage, {
		displayName: 'Character Image URL',
		name: 'imageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/character.png',
		description: 'Public, direct URL of a JPG or PNG of the character to animate',
	}),
	...mediaSourceProperties(motionVideo, {
		displayName: 'Motion Video URL',
		name: 'videoUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/motion.mp4',
		description: `Public URL of an MP4, MOV or M4V of 30 seconds or less whose motion the character follows. Its length sets the video's length and price: $${PRICE_PER_SECOND.motionControl}/s, at least 3 s.`,
	}),
	{
		displayName: `Motion control costs $${PRICE_PER_SECOND.motionControl} per second of the motion video (at least 3 s, at most 30 s), with or without sound: 10 s = $${(10 * PRICE_PER_SECOND.motionControl).toFixed(2)}`,
		name: 'priceNoticeMotion',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Character Orientation',
		name: 'characterOrientation',
		type: 'options',
		options: [
			{
				name: 'From Image',
				value: 'image',
				description: 'Keep the character facing as in the image',
			},
			{
				name: 'From Video',
				value: 'video',
				description: 'Turn the character as the person in the motion video turns',
			},
		],
		default: 'video',
		description: 'Whose orientation the character follows',
	},
	promptProperty({ required: false }),
	{
		displayName: 'Sound',
		name: 'sound',
		type: 'boolean',
		default: false,
		description: `Whether to generate audio with the video. Motion control costs $${PRICE_PER_SECOND.motionControl}/s either way.`,
	},
	additionalFields([negativePromptOption('distorted face, extra limbs')], 'Add Negative Prompt'),
];

const schema = z
	.object({
		imageUrl: field.imageUrl,
		videoUrl: field.videoUrl,
		characterOrientation: field.characterOrientation,
		prompt: field.optionalText,
		sound: field.sound,
		negativePrompt: field.optionalText,
		allowPrivateUrls: field.allowPrivateUrls,
	})
	.superRefine(field.mediaHostsArePublic(['imageUrl', 'videoUrl']))
	.transform(
		(value): ApiInput => ({
			mode: 'motion-control',
			prompt: value.prompt,
			sound: value.sound,
			character_orientation: value.characterOrientation,
			image_urls: [value.imageUrl],
			video_urls: [value.videoUrl],
			negative_prompt: value.negativePrompt,
		}),
	);

function readParameters(ctx: IExecuteFunctions, itemIndex: number) {
	const extra = ctx.getNodeParameter('additionalFields', itemIndex, {}) as {
		negativePrompt?: string;
	};
	return {
		imageUrl: ctx.getNodeParameter('imageUrl', itemIndex, ''),
		videoUrl: ctx.getNodeParameter('videoUrl', itemIndex, ''),
		characterOrientation: ctx.getNodeParameter('characterOrientation', itemIndex, 'video'),
		prompt: ctx.getNodeParameter('prompt', itemIndex, ''),
		sound: ctx.getNodeParameter('sound', itemIndex, false),
		negativePrompt: extra.negativePrompt,
		allowPrivateUrls: ctx.getNodeParameter('options.allowPrivateCallbackUrl', itemIndex, false),
	};
}

export const motionControl: VideoOperation = {
	binaryMedia: [characterImage, motionVideo],
	mode: 'motion-control',
	description: updateDisplayOptions(
		{ show: { resource: ['video'], operation: ['motionControl'] } },
		properties,
	),
	rules: {
		readParameters,
		schema,
		fieldLabels: {
			imageUrl: 'Character Image URL',
			videoUrl: 'Motion Video URL',
			characterOrientation: 'Character Orientation',
			prompt: 'Prompt',
			sound: 'Sound',
			negativePrompt: 'Negative Prompt',
			allowPrivateUrls: 'Allow Private URLs',
		},
	},
};

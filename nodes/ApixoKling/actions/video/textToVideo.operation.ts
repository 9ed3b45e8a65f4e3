import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod';

import type { ApiInput } from '../../../shared/api/schemas';
import * as field from '../../../shared/validate/fields';
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

const properties: INodeProperties[] = [
	promptProperty({ required: true }),
	durationProperty,
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		options: [
			{ name: '1:1 (Square)', value: '1:1' },
			{ name: '16:9 (Landscape)', value: '16:9' },
			{ name: '9:16 (Portrait, Reels/Shorts/TikTok)', value: '9:16' },
		],
		default: '16:9',
		description: 'Frame shape of the video. Does not change the price.',
	},
	soundProperty,
	...priceNotices,
	additionalFields([
		cfgScaleOption,
		negativePromptOption('blur, low quality'),
		{
			displayName: 'Shots',
			name: 'shots',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Shot',
			default: {},
			description:
				'Split the video into shots, each with its own prompt. Shot durations must add up to the Duration.',
			options: [
				{
					displayName: 'Shot',
					name: 'shot',
					values: [
						{
							displayName: 'Prompt',
							name: 'prompt',
							type: 'string',
							default: '',
							description: 'What happens in this shot',
						},
						{
							displayName: 'Duration (Seconds)',
							name: 'duration',
							type: 'number',
							typeOptions: { minValue: 1, maxValue: 15 },
							default: 1,
							description: 'Length of this shot; all shots together must equal the Duration',
						},
					],
				},
			],
		},
	]),
];

const schema = z
	.object({
		prompt: field.requiredPrompt,
		duration: field.duration,
		aspectRatio: field.aspectRatio,
		sound: field.sound,
		negativePrompt: field.optionalText,
		cfgScale: field.cfgScale,
		shots: field.shots,
	})
	.superRefine((value, ctx) => {
		if (!value.shots?.length) return;
		const total = value.shots.reduce((sum, shot) => sum + shot.duration, 0);
		if (total !== value.duration) {
			ctx.addIssue({
				code: 'custom',
				path: ['shots'],
				message: `add up to ${total} s but Duration is ${value.duration} s: make the shot durations sum to the Duration`,
			});
		}
	})
	.transform(
		(value): ApiInput => ({
			mode: 'text-to-video',
			prompt: value.prompt,
			duration: value.duration,
			sound: value.sound,
			aspect_ratio: value.aspectRatio,
			negative_prompt: value.negativePrompt,
			cfg_scale: value.cfgScale,
			multi_prompt: value.shots?.length ? value.shots : undefined,
		}),
	);

function readParameters(ctx: IExecuteFunctions, itemIndex: number) {
	const extra = ctx.getNodeParameter('additionalFields', itemIndex, {}) as {
		negativePrompt?: string;
		cfgScale?: number;
		shots?: { shot?: Array<{ prompt: string; duration: number }> };
	};
	return {
		prompt: ctx.getNodeParameter('prompt', itemIndex, ''),
		duration: ctx.getNodeParameter('duration', itemIndex, 5),
		aspectRatio: ctx.getNodeParameter('aspectRatio', itemIndex, '16:9'),
		sound: ctx.getNodeParameter('sound', itemIndex, false),
		negativePrompt: extra.negativePrompt,
		cfgScale: extra.cfgScale,
		shots: extra.shots?.shot,
	};
}

export const textToVideo: VideoOperation = {
	mode: 'text-to-video',
	description: updateDisplayOptions(
		{ show: { resource: ['video'], operation: ['textToVideo'] } },
		properties,
	),
	binaryMedia: [],
	rules: {
		readParameters,
		schema,
		fieldLabels: {
			prompt: 'Prompt',
			duration: 'Duration',
			aspectRatio: 'Aspect Ratio',
			sound: 'Sound',
			negativePrompt: 'Negative Prompt',
			cfgScale: 'CFG Scale',
			shots: 'Shots',
		},
	},
};

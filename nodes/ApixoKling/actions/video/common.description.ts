import type { INodeProperties } from 'n8n-workflow';

import { PRICE_PER_SECOND } from '../../../shared/cost/price';

export function promptProperty({ required }: { required: boolean }): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required,
		default: '',
		placeholder: required
			? 'e.g. a cinematic city skyline at sunset, slow camera push-in'
			: 'e.g. keep the face and the outfit of the character',
		description: required
			? 'What the video shows: subject, action, camera and style'
			: 'Optional guidance, e.g. keep the same character identity while following the motion',
	};
}

export const durationProperty: INodeProperties = {
	displayName: 'Duration (Seconds)',
	name: 'duration',
	type: 'number',
	typeOptions: { minValue: 3, maxValue: 15 },
	default: 5,
	description: `Length of the video, 3 to 15 seconds. Billed per second: $${PRICE_PER_SECOND.silent}/s silent, $${PRICE_PER_SECOND.withSound}/s with sound.`,
};

export const soundProperty: INodeProperties = {
	displayName: 'Sound',
	name: 'sound',
	type: 'boolean',
	default: false,
	description: `Whether to generate audio with the video. Sound raises the price from $${PRICE_PER_SECOND.silent}/s to $${PRICE_PER_SECOND.withSound}/s. Always sent: APIXO’s own default is on.`,
};

export const cfgScaleOption: INodeProperties = {
	displayName: 'CFG Scale',
	name: 'cfgScale',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
	default: 0.5,
	description:
		'How strictly the video follows the prompt, from 0 (loosely) to 1 (strictly). Does not change the price.',
};

export function negativePromptOption(example: string): INodeProperties {
	return {
		displayName: 'Negative Prompt',
		name: 'negativePrompt',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: `e.g. ${example}`,
		description: 'What the video should avoid',
	};
}

/** The optional fields of an operation, under one "Additional Fields" collection. */
export function additionalFields(options: INodeProperties[], placeholder = 'Add Field'): INodeProperties {
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder,
		default: {},
		options,
	};
}

/** The price of the chosen sound setting, shown beside it so the cost is never a surprise. */
export const priceNotices: INodeProperties[] = [
	{
		displayName: `Silent video costs $${PRICE_PER_SECOND.silent} per second: 5 s = $${(5 * PRICE_PER_SECOND.silent).toFixed(2)}, 15 s = $${(15 * PRICE_PER_SECOND.silent).toFixed(2)}`,
		name: 'priceNoticeSilent',
		type: 'notice',
		default: '',
		displayOptions: { show: { sound: [false] } },
	},
	{
		displayName: `Video with sound costs $${PRICE_PER_SECOND.withSound} per second: 5 s = $${(5 * PRICE_PER_SECOND.withSound).toFixed(2)}, 15 s = $${(15 * PRICE_PER_SECOND.withSound).toFixed(2)}`,
		name: 'priceNoticeSound',
		type: 'notice',
		default: '',
		displayOptions: { show: { sound: [true] } },
	},
];

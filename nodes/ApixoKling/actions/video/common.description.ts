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
		placeholder: 'e.g. a cinematic city skyline at sunset, slow camera push-in',
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
	description: `Whether to generate audio with the video. With sound: $${PRICE_PER_SECOND.withSound}/s; silent: $${PRICE_PER_SECOND.silent}/s. (APIXO's own default is on; this node always sends your choice.)`,
};

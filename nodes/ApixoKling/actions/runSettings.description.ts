import type { INodeProperties } from 'n8n-workflow';

import { binaryPropertyOption, downloadOption } from '../../shared/output/download.description';

const onlyForVideo = { show: { '/resource': ['video'] } };
const onlyWhenSubmitting = { show: { '/operation': ['textToVideo', 'imageToVideo', 'motionControl'] } };
const onlyWhenWaiting = {
	show: { '/operation': ['textToVideo', 'imageToVideo', 'motionControl', 'wait'] },
};

/** How the node pays for and waits on tasks: the video operations and Task → Wait share it. */
export const waitModeProperties: INodeProperties[] = [
	{
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		options: [
			{
				name: 'Callback (to APIXO Trigger)',
				value: 'callback',
				description:
					'APIXO posts the result to a URL (usually an APIXO Trigger workflow); this node returns the task at once',
			},
			{
				name: 'No Wait',
				value: 'none',
				description: 'Return the task ID at once; fetch the video later with Task → Wait',
			},
			{
				name: 'Poll',
				value: 'poll',
				description: 'Submit, then check the status until the video is ready (simplest)',
			},
			{
				name: 'Resume on Callback',
				value: 'resume',
				description:
					'Pause the execution, holding no worker, until APIXO calls back; then continue with the videos',
			},
		],
		default: 'poll',
		description: 'How the node waits for the video to render (usually one to three minutes)',
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/…/apixo?token=…',
		description:
			'The APIXO Trigger’s Production URL followed by ?token= and its Secret Token. Must be public https.',
		displayOptions: { show: { waitMode: ['callback'] } },
	},
];

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Allow Private URLs',
			name: 'allowPrivateCallbackUrl',
			type: 'boolean',
			default: false,
			description:
				'Whether to accept http:// or private-network URLs APIXO must reach: the callback URL, n8n’s resume URL, image and video inputs (a local test, a tunnel). APIXO itself can only reach public URLs, so such a task would fail there.',
			displayOptions: { show: { '/resource': ['video'] } },
		},
		downloadOption,
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to check and price every item and show what would be sent, without submitting anything: no task is created and nothing is paid. Each item comes out with state "planned", its billedSeconds, estimatedCostUsd and the exact request body. Everything that refuses a real run before paying (fields, Max Cost, URLs, the motion video’s length) refuses a dry run too; Resume mode does not pause.',
			hint: 'While on, nothing is submitted and nothing is paid: turn it off to make the videos',
			displayOptions: onlyWhenSubmitting,
		},
		{
			displayName: 'First Poll Delay (Seconds)',
			name: 'firstPollDelay',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 60,
			description:
				'Seconds between submitting and the first status check. Leave this option out to follow APIXO’s latency table: 60 s for a 3–5 s video, 90 s for 6–10 s, 120 s for 11–15 s (motion control: by its reference video’s length).',
			hint: 'APIXO advises a first check after 60 s. Left out, it follows APIXO’s latency table: 60 s for 3–5 s videos, up to 120 s for 11–15 s',
			displayOptions: onlyForVideo,
		},
		{
			displayName: 'Max Concurrency',
			name: 'maxConcurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: 10,
			description:
				'How many tasks are submitted at the same time. All submitted tasks are then polled together.',
			displayOptions: onlyForVideo,
		},
		{
			displayName: 'Max Cost (USD)',
			name: 'maxCostUsd',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 2 },
			default: 0,
			description:
				'Refuse the whole run before submitting anything when its estimated cost is above this. 0 means no limit. Motion control is priced by the reference video’s measured length (30 s when it cannot be read).',
			displayOptions: onlyForVideo,
		},
		{
			displayName: 'Max Requests per Second',
			name: 'maxRequestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 1 },
			default: 166,
			description:
				'Upper bound for the pace of requests to APIXO from this run. Without this option the node finds your account’s rate limit by itself: it starts at 20/s, doubles while APIXO keeps up, slows down when APIXO answers 429 and speeds up again, never sending more than APIXO’s documented 10,000 requests in any minute. 0 turns pacing off (only for a proxy that paces requests itself).',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 0.01 },
			default: 10,
			description: 'Seconds between status checks after the first',
			hint: 'APIXO recommends 5–10 s; status checks are free',
			displayOptions: onlyWhenWaiting,
		},
		binaryPropertyOption,
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'requestTimeout',
			type: 'number',
			typeOptions: { minValue: 0.1, numberPrecision: 1 },
			default: 30,
			description: 'How long one HTTP request to APIXO may take before it counts as failed',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 0.01 },
			default: 900,
			description:
				'How long to wait for each video, counted from its submission (or from the start of Task → Wait). In Resume mode, how long the execution waits for APIXO’s callbacks (1 hour when not set: waiting costs nothing).',
			hint: 'A 15 s video can take 3 minutes. After a timeout the task still finishes and is paid: continue with Task → Wait',
			displayOptions: onlyWhenWaiting,
		},
	],
};

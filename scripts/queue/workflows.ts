/**
 * The queue-mode scenarios' workflows. Each starts from an `n8n-nodes-base.webhook` node (or
 * the APIXO Trigger), so it is started through the webhook process's production URL, as a
 * queue-mode deployment receives work; the Kling node's parameters are the ones users save.
 */
import type { Workflow, WorkflowNode } from '../e2e/examples';

export const KLING_TYPE = 'n8n-nodes-apixo.apixoKling';
export const TRIGGER_TYPE = 'n8n-nodes-apixo.apixoTrigger';
export const KLING = 'Kling 3.0 (APIXO)';

/** Webhook paths (production URL: <N8N_WEBHOOK_URL>webhook/<path>). */
export const PATHS = {
	batch: 'queue-e2e-batch',
	resume: 'queue-e2e-resume',
	callbackSubmit: 'queue-e2e-callback-submit',
	mainRestart: 'queue-e2e-main-restart',
	saveNothing: 'queue-e2e-save-nothing',
} as const;
/** The APIXO Trigger's webhookId: its URL is <N8N_WEBHOOK_URL>webhook/<id>/apixo. */
export const TRIGGER_WEBHOOK_ID = 'queue-e2e-apixo-trigger';

type Credential = { id: string; name: string };

const webhookNode = (path: string): WorkflowNode => ({
	id: `${path}-webhook`,
	name: 'Webhook',
	type: 'n8n-nodes-base.webhook',
	typeVersion: 2,
	position: [0, 0],
	webhookId: path,
	parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
});

const codeNode = (name: string, jsCode: string): WorkflowNode => ({
	id: `${name.toLowerCase().replace(/\W+/g, '-')}-code`,
	name,
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position: [220, 0],
	parameters: { jsCode },
});

const klingNode = (credential: Credential, parameters: Record<string, unknown>): WorkflowNode => ({
	id: 'kling-node',
	name: KLING,
	type: KLING_TYPE,
	typeVersion: 1,
	position: [440, 0],
	parameters: {
		resource: 'video',
		operation: 'textToVideo',
		prompt: '={{ $json.prompt }}',
		duration: 5,
		aspectRatio: '9:16',
		sound: false,
		...parameters,
	},
	credentials: { apixoApi: credential },
});

const noOp = (name: string): WorkflowNode => ({
	id: `${name.toLowerCase().replace(/\W+/g, '-')}-noop`,
	name,
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	position: [660, 0],
	parameters: {},
});

const chain = (...names: string[]): object =>
	Object.fromEntries(names.slice(0, -1).map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

const PROMPTS_FROM_BODY = 'return $input.first().json.body.prompts.map((prompt) => ({ json: { prompt } }));';

/** (a), (d): POST { prompts: [...] } → one item per prompt → Kling, polled inside the execution. */
export function pollBatchWorkflow(credential: Credential): Workflow {
	return {
		name: 'queue e2e: text-to-video batch, polled',
		nodes: [
			webhookNode(PATHS.batch),
			codeNode('Prompts', PROMPTS_FROM_BODY),
			klingNode(credential, {
				waitMode: 'poll',
				options: { firstPollDelay: 1, pollInterval: 0.5, timeout: 180, requestTimeout: 10 },
			}),
		],
		connections: chain('Webhook', 'Prompts', KLING),
		settings: { executionOrder: 'v1' },
	};
}

/** (b): POST { prompt } → Kling in resume mode (waits for APIXO's callback) → a node after it. */
export function resumeWorkflow(credential: Credential): Workflow {
	return {
		name: 'queue e2e: resume on callback',
		nodes: [
			webhookNode(PATHS.resume),
			klingNode(credential, { prompt: '={{ $json.body.prompt }}', waitMode: 'resume', options: { timeout: 600, allowPrivateCallbackUrl: true } }),
			noOp('After resume'),
		],
		connections: chain('Webhook', KLING, 'After resume'),
		settings: { executionOrder: 'v1' },
	};
}

/**
 * (e), (f): POST { prompts } → one item per prompt → Kling in resume mode (one waiting execution
 * per batch) → each video written to `<filesDir>/<execution id>-<row>-<task id>.mp4`, so a batch can be
 * checked even when n8n keeps nothing of a successful execution.
 */
export function resumeBatchWorkflow(credential: Credential, path: string, filesDir: string): Workflow {
	return {
		name: `queue e2e: resume batch (${path})`,
		nodes: [
			webhookNode(path),
			codeNode('Prompts', PROMPTS_FROM_BODY),
			klingNode(credential, { waitMode: 'resume', options: { timeout: 600, allowPrivateCallbackUrl: true } }),
			{
				id: 'write-video',
				name: 'Write video',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1,
				position: [660, 0],
				parameters: { operation: 'write', fileName: `=${filesDir}/{{ $execution.id }}-{{ $itemIndex }}-{{ $json.taskId }}.mp4`, dataPropertyName: 'data', options: {} },
			},
		],
		connections: chain('Webhook', 'Prompts', KLING, 'Write video'),
		settings: { executionOrder: 'v1' },
	};
}

/** (c) 1/2: POST { prompts } → Kling in callback mode, calling back the APIXO Trigger. */
export function callbackSubmitWorkflow(credential: Credential, callbackUrl: string): Workflow {
	return {
		name: 'queue e2e: callback submit',
		nodes: [
			webhookNode(PATHS.callbackSubmit),
			codeNode('Prompts', PROMPTS_FROM_BODY),
			klingNode(credential, { waitMode: 'callback', callbackUrl, options: { allowPrivateCallbackUrl: true } }),
		],
		connections: chain('Webhook', 'Prompts', KLING),
		settings: { executionOrder: 'v1' },
	};
}

/** (c) 2/2: APIXO Trigger → a node after it. */
export function triggerWorkflow(secretToken: string): Workflow {
	return {
		name: 'queue e2e: APIXO Trigger',
		nodes: [
			{
				id: 'apixo-trigger',
				name: 'APIXO Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: TRIGGER_WEBHOOK_ID,
				parameters: { secretToken, options: {} },
			},
			noOp('Received'),
		],
		connections: chain('APIXO Trigger', 'Received'),
		settings: { executionOrder: 'v1' },
	};
}

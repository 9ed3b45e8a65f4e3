import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { FakeApixo, FakeApixoOptions } from '../fake-apixo';
import { startFakeApixo } from '../fake-apixo';
import type { RunResult } from '../harness';
import { runWorkflow, singleNodeWorkflow } from '../harness';

export const KLING_TYPE = 'n8n-nodes-apixo.apixoKling';
export const KLING_NODE_NAME = 'Kling';
export const KLING_TOOL_TYPE = `${KLING_TYPE}Tool`;
export const TEST_API_KEY = 'test-key-0123456789';

/** Scaled time: the fake renders in fractions of a second, so the node polls in milliseconds. */
export const FAST_OPTIONS = {
	firstPollDelay: 0.1,
	pollInterval: 0.05,
	timeout: 20,
	requestTimeout: 2,
	maxRequestsPerSecond: 0,
};

export const FAST_TASK_MS = 250;

export async function startFake(options: FakeApixoOptions = {}): Promise<FakeApixo> {
	return await startFakeApixo({ apiKey: TEST_API_KEY, taskDurationMs: FAST_TASK_MS, ...options });
}

export interface KlingRun {
	parameters: IDataObject;
	items?: IDataObject[];
	continueOnFail?: boolean;
	/** On Error → "Continue (using error output)": failed items go to a second output. */
	errorOutput?: boolean;
	abortAfterMs?: number;
	apiKey?: string;
	/** Where the credential points, when not straight at the fake. */
	baseUrl?: string;
	/** Another type name for the node, e.g. the `…Tool` type agents call. */
	type?: string;
	/** AI Agent v3 marks a tool it runs on the normal stack by rewiring its output log. */
	rewireOutputLogTo?: 'ai_tool';
	/** Origin of the instance URLs (resume URL, signed binary URLs). */
	instanceBaseUrl?: string;
}

/** Runs Start → Kling 3.0 (APIXO) through n8n's engine against the fake server. */
export async function runKling(fake: FakeApixo, run: KlingRun): Promise<RunResult> {
	const { options, ...rest } = run.parameters as { options?: IDataObject };
	const workflow = singleNodeWorkflow(
		{
			name: KLING_NODE_NAME,
			type: run.type ?? KLING_TYPE,
			...(run.rewireOutputLogTo && { rewireOutputLogTo: run.rewireOutputLogTo }),
			parameters: { ...rest, options: { ...FAST_OPTIONS, ...options } },
			...(run.continueOnFail && { onError: 'continueRegularOutput' as const }),
			...(run.errorOutput && { onError: 'continueErrorOutput' as const }),
		},
		run.items ?? [{}],
		'apixoApi',
	);
	return await runWorkflow({
		...workflow,
		credentials: { apixoApi: { apiKey: run.apiKey ?? TEST_API_KEY, baseUrl: run.baseUrl ?? fake.baseUrl } },
		abortAfterMs: run.abortAfterMs,
		instanceBaseUrl: run.instanceBaseUrl,
	});
}

export function klingOutput(result: RunResult): INodeExecutionData[] {
	return result.output(KLING_NODE_NAME);
}

/** The node's error as the user sees it: message and description. */
export function errorText(result: RunResult): string {
	const error = result.error as { message?: string; description?: string } | undefined;
	return `${error?.message ?? ''}\n${error?.description ?? ''}`;
}

export const textToVideo = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'video',
	operation: 'textToVideo',
	prompt: 'a cinematic city skyline at sunset, slow camera push-in',
	...extra,
});

export const START_FRAME_JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a frame of the start image')]);

/** Image to Video whose start frame is the input item's binary `data`: START_FRAME_JPEG. */
export function imageToVideoFromBinaryJpeg(options: IDataObject, fileName = 'a.jpg'): Pick<KlingRun, 'parameters' | 'items'> {
	return {
		parameters: { resource: 'video', operation: 'imageToVideo', prompt: 'the character waves', startImageSource: 'binary', options },
		items: [{ $binary: { data: { base64: START_FRAME_JPEG.toString('base64'), mimeType: 'image/jpeg', fileName } } }],
	};
}

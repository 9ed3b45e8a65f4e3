/** Runs Start → Kling 3.0 (APIXO) through n8n's engine against a fake server, timed. */
import { performance } from 'node:perf_hooks';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { RunResult } from '../test/harness';
import { runWorkflow, singleNodeWorkflow } from '../test/harness';
import { API_KEY } from './fake/protocol';
import { HTTP_PROBE_TYPE, HttpProbe } from './httpProbe';
import { profiled } from './profile';

const NODE_NAME = 'Kling';

export interface BenchRun {
	baseUrl: string;
	items: number;
	/** The node's `options` collection (seconds, as a user types them). */
	options: INodeParameters;
	continueOnFail?: boolean;
	/** Cancels a hung run instead of hanging the bench (default 5 min). */
	guardMs?: number;
}

export interface BenchResult {
	result: RunResult;
	output: INodeExecutionData[];
	/** Epoch ms just before the run, comparable with the fake's createTime / readyAt. */
	startedAt: number;
	wallMs: number;
}

/** Item i asks for `bench video #i`: a distinct input per item (the fake keys submits by input). */
export const promptOf = (item: number): string => `bench video #${item}`;

export async function runKling(run: BenchRun): Promise<BenchResult> {
	const items = Array.from({ length: run.items }, (_, i) => ({ prompt: promptOf(i) }));
	const workflow = singleNodeWorkflow(
		{
			name: NODE_NAME,
			type: 'n8n-nodes-apixo.apixoKling',
			parameters: {
				resource: 'video',
				operation: 'textToVideo',
				prompt: '={{ $json.prompt }}',
				duration: 5,
				options: run.options,
			},
			...(run.continueOnFail && { onError: 'continueRegularOutput' as const }),
		},
		items,
		'apixoApi',
	);
	const startedAt = Date.now();
	const t0 = performance.now();
	const result = await profiled(`${run.items}-items`, async () =>
		await runWorkflow({
			...workflow,
			credentials: { apixoApi: { apiKey: API_KEY, baseUrl: run.baseUrl } },
			abortAfterMs: run.guardMs ?? 300_000,
		}),
	);
	const wallMs = performance.now() - t0;
	if (result.status !== 'success') {
		const error = result.error as { message?: string; description?: string } | undefined;
		throw new Error(`workflow ended ${result.status}: ${error?.message ?? ''} ${error?.description ?? ''}`.slice(0, 600));
	}
	return { result, output: result.output(NODE_NAME), startedAt, wallMs };
}

/** Index of the input item an output item is paired with. */
export function pairedIndex(item: INodeExecutionData): number | undefined {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'number' ? paired : paired?.item;
}

export const succeeded = (output: INodeExecutionData[]) =>
	output.filter((item) => item.json.state === 'success' && !item.json.error).length;

/** Runs Start → HTTP probe (the Kling node's requests and nothing else) over `items` items. */
export async function runHttpProbe(baseUrl: string, items: number): Promise<{ wallMs: number; output: INodeExecutionData[] }> {
	const inputs = Array.from({ length: items }, (_, i) => ({ prompt: `probe #${i}` }));
	const workflow = singleNodeWorkflow({ name: 'Probe', type: HTTP_PROBE_TYPE, parameters: {} }, inputs, 'apixoApi');
	const t0 = performance.now();
	const result = await runWorkflow({
		...workflow,
		extraNodeTypes: { [HTTP_PROBE_TYPE]: new HttpProbe() },
		credentials: { apixoApi: { apiKey: API_KEY, baseUrl } },
		abortAfterMs: 300_000,
	});
	if (result.status !== 'success') throw new Error(`HTTP probe ended ${result.status}`);
	return { wallMs: performance.now() - t0, output: result.output('Probe') };
}

/**
 * What the queue-mode scenarios share: the running deployment and fake APIXO, starting a
 * workflow through the webhook process, and reading the processes' logs to tell which
 * process enqueued an execution and which worker ran it.
 */
import type { FakeApixo, KlingInput } from '../../test/fake-apixo';
import type { ExecutionDetails, ExecutionSummary } from '../e2e/n8n-rest';
import { CheckFailed, sleep } from '../e2e/scenario-kit';
import type { Cluster } from './cluster';
import type { N8nProcess } from './n8n-process';

export { assert, CheckFailed, FakeWindow, seconds, sleep, waitFor } from '../e2e/scenario-kit';

export interface QueueContext {
	cluster: Cluster;
	fake: FakeApixo;
	credential: { id: string; name: string };
	/** Lines for last-run.md beyond the one-line figures (timelines, evidence). */
	notes: string[];
}

export type Figures = Record<string, string | number>;

export const FINAL = ['success', 'error', 'crashed', 'canceled'];

/** Render time of a fake task, carried in its prompt: `[ms=4000]`. */
export const durationTag = (ms: number): string => `[ms=${ms}]`;

export function fakeTaskDuration(input: KlingInput): number {
	const prompt = 'prompt' in input && typeof input.prompt === 'string' ? input.prompt : '';
	return Number(/\[ms=(\d+)\]/.exec(prompt)?.[1] ?? 3000);
}

/**
 * The fake APIXO of these scenarios: render times from the prompts, and APIXO's documented
 * callback timeout (an answer within 30 s counts as delivered; n8n, busy with twenty callbacks
 * at once, has taken more than 5 s to read one) and retries (30 s, 2 min, 10 min after a failed
 * delivery), 10× faster: the last retry comes 75 s after the first try, later than a restart of
 * main takes here, and after n8n's "Database is not ready!" spells under a burst of callbacks.
 */
export const FAKE_APIXO_SETTINGS = { taskDurationMs: fakeTaskDuration, balance: 10_000, callbackTimeoutMs: 30_000, callbackRetryDelayMs: 3000 };

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const text = await res.text();
	try {
		return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
	} catch {
		return { status: res.status, body: text };
	}
}

export async function executionsOf(ctx: QueueContext, workflowId: string): Promise<ExecutionSummary[]> {
	return await ctx.cluster.rest.listExecutions({ workflowId }, 250);
}

/**
 * POSTs to the workflow's production webhook on the webhook process, then returns the id of
 * the execution that appeared for it.
 */
export async function startThroughWebhookProcess(ctx: QueueContext, workflowId: string, path: string, body: unknown): Promise<string> {
	const before = new Set((await executionsOf(ctx, workflowId)).map((e) => e.id));
	const res = await postJson(`${ctx.cluster.webhookUrl}webhook/${path}`, body);
	if (res.status !== 200) throw new CheckFailed(`POST webhook/${path} on the webhook process: HTTP ${res.status} ${JSON.stringify(res.body)}`);
	const deadline = Date.now() + 20_000;
	for (;;) {
		const fresh = (await executionsOf(ctx, workflowId)).filter((e) => !before.has(e.id));
		if (fresh.length === 1) return fresh[0].id;
		if (fresh.length > 1) throw new CheckFailed(`one POST started ${fresh.length} executions`);
		if (Date.now() > deadline) throw new CheckFailed(`no execution of workflow ${workflowId} after POST webhook/${path}`);
		await sleep(200);
	}
}

/** Lines of a process's log (all its starts) matching `pattern`. */
export function logLines(proc: N8nProcess, pattern: RegExp): string[] {
	return proc.log().split('\n').filter((line) => pattern.test(line));
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** [process name, job id] for each log line `<prefix> <executionId> (job <n>)`, in job order (= enqueue order). */
function jobsInLogs(processes: N8nProcess[], prefix: string, executionId: string): string[] {
	const pattern = new RegExp(`${prefix} ${esc(executionId)} \\(job (\\d+)\\)`);
	return processes
		.flatMap((p) => logLines(p, pattern).map((line): [string, number] => [p.name, Number(pattern.exec(line)?.[1])]))
		.sort((a, b) => a[1] - b[1])
		.map(([name]) => name);
}

/** Worker names, one per job that started this execution (an execution resumed once has two), in order. */
export function workerRuns(ctx: QueueContext, executionId: string): string[] {
	return jobsInLogs(ctx.cluster.workers, 'Worker started execution', executionId);
}

/** Names of the main/webhook processes that enqueued this execution, once per job, in order. */
export function enqueuedBy(ctx: QueueContext, executionId: string): string[] {
	return jobsInLogs([ctx.cluster.main, ctx.cluster.webhook], 'Enqueued execution', executionId);
}

/** "worker-1 ×12, worker-2 ×8" */
export function tally(names: string[]): string {
	const counts = new Map<string, number>();
	for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
	return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => `${name} ×${n}`).join(', ') || 'none';
}

type RunItem = { json: Record<string, unknown>; binary?: Record<string, { id?: string; mimeType?: string; fileName?: string }> };

/** Items (json + binary refs) a node produced on its first output in its last run. */
export function nodeItems(execution: ExecutionDetails, nodeName: string): RunItem[] {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs?.length) return [];
	return (runs[runs.length - 1].data?.main?.[0] ?? []) as RunItem[];
}

/** "database ×30" from the items' binary ids ("database:..."/"filesystem:..."). */
export function binaryModes(items: RunItem[], property = 'data'): string {
	return tally(items.map((item) => item.binary?.[property]?.id?.split(':')[0] ?? 'none'));
}

export function errorMessage(execution: ExecutionDetails): string {
	const error = execution.data.resultData.error;
	return error ? String(error.message ?? JSON.stringify(error)) : '';
}

/** Inputs whose prompt contains `tag` that the fake received more than once (submitsByTask > 1). */
export function paidTwice(ctx: QueueContext, tag: string): string[] {
	return [...ctx.fake.stats.submitsByTask].filter(([input, n]) => input.includes(tag) && n > 1).map(([input, n]) => `${n}× ${input.slice(0, 80)}`);
}

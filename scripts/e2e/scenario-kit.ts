/**
 * What the end-to-end scenarios share: the running n8n and fake APIXO, figures taken
 * from the fake (submits, status reads, downloads, callbacks) per scenario, the files
 * the workflows wrote, and small waiting/assertion helpers.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeApixo, FakeTask } from '../../test/fake-apixo';
import type { Environment } from './examples';
import type { N8nInstance } from './n8n-instance';
import type { ExecutionDetails } from './n8n-rest';

export interface ScenarioContext {
	n8n: N8nInstance;
	fake: FakeApixo;
	env: Environment;
}

export class CheckFailed extends Error {}

export function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new CheckFailed(message);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, everyMs = 150): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new CheckFailed(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(everyMs);
	}
}

export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const expired = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new CheckFailed(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
	});
	try {
		return await Promise.race([promise, expired]);
	} finally {
		clearTimeout(timer);
	}
}

/** The fake's counters at the start of a scenario, so its figures count only its own traffic. */
export class FakeWindow {
	private readonly before: Set<string>;
	private readonly submits: number;
	private readonly accepted: number;
	private readonly downloads: number;
	private readonly callbacks: number;

	constructor(private readonly fake: FakeApixo) {
		this.before = new Set(fake.tasks.keys());
		this.submits = fake.stats.submits;
		this.accepted = fake.stats.acceptedSubmits;
		this.downloads = fake.stats.downloads;
		this.callbacks = fake.stats.callbacks.length;
	}

	/** Tasks created since the window opened, in submit order. */
	tasks(): FakeTask[] {
		return [...this.fake.tasks.values()].filter((task) => !this.before.has(task.taskId)).sort((a, b) => a.index - b.index);
	}

	statusReads(taskIds = this.tasks().map((t) => t.taskId)): number {
		return taskIds.reduce((sum, id) => sum + (this.fake.stats.statusReadsByTask.get(id) ?? 0), 0);
	}

	figures(): { submits: number; accepted: number; statusReads: number; downloads: number; callbacks: string } {
		const callbacks = this.fake.stats.callbacks.slice(this.callbacks);
		return {
			submits: this.fake.stats.submits - this.submits,
			accepted: this.fake.stats.acceptedSubmits - this.accepted,
			statusReads: this.statusReads(),
			downloads: this.fake.stats.downloads - this.downloads,
			callbacks: callbacks.map((c) => `${c.redelivery ? 'again:' : ''}${c.status}`).join(',') || 'none',
		};
	}
}

/**
 * Each task's file, as the workflow's Read/Write Files node wrote it, equals byte for byte
 * what the fake serves at that task's result URL. Returns the number of bytes compared.
 */
export async function compareWrittenVideos(ctx: ScenarioContext, tasks: FakeTask[]): Promise<number> {
	let bytes = 0;
	for (const task of tasks) {
		const file = path.join(ctx.env.outDir, `${task.taskId}.mp4`);
		assert(existsSync(file), `no file written for ${task.taskId} (${file})`);
		const written = readFileSync(file);
		const res = await fetch(task.resultUrls[0]);
		assert(res.ok, `fake did not serve ${task.resultUrls[0]}: HTTP ${res.status}`);
		const served = Buffer.from(await res.arrayBuffer());
		assert(served.length > 0 && written.equals(served), `${file}: ${written.length} bytes written differ from the ${served.length} bytes served`);
		bytes += written.length;
	}
	return bytes;
}

/** Runs a saved workflow from its trigger and waits until the execution ends. */
export async function runToEnd(ctx: ScenarioContext, workflowId: string, trigger: string, timeoutMs = 60_000): Promise<ExecutionDetails> {
	const run = await ctx.n8n.rest.runWorkflowManually(workflowId, trigger);
	assert(run.executionId, `POST /rest/workflows/${workflowId}/run gave no executionId: ${JSON.stringify(run)}`);
	return await ctx.n8n.rest.waitForExecution(run.executionId, ['success', 'error', 'crashed', 'canceled'], timeoutMs);
}

/** The execution's error, as n8n's REST API gives it, in one string (message, description, details). */
export function executionError(execution: ExecutionDetails): string {
	const error = execution.data.resultData.error;
	if (!error) return '';
	const { message, description, context } = error as { message?: string; description?: string; context?: unknown };
	return [message, description, JSON.stringify(context ?? {}), JSON.stringify(error)].filter(Boolean).join(' | ');
}

export function describeExecution(execution: ExecutionDetails): string {
	const error = execution.data.resultData.error;
	return `${execution.status}${error ? `: ${String(error.message ?? JSON.stringify(error)).slice(0, 300)}` : ''}`;
}

export function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)}s`;
}

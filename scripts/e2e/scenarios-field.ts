/**
 * Issue-#10 scenarios: what "never pays twice, never loses a result" means with the settings
 * users turn on, in a real n8n: a large Resume batch, callbacks in reverse order, n8n restarted
 * while executions wait, callbacks that never come, and n8n's Retry On Fail.
 */
import { KLING_TYPE } from './examples';
import { nodeOutput } from './n8n-rest';
import { assert, describeExecution, FakeWindow, runToEnd, seconds, type ScenarioContext } from './scenario-kit';
import type { Figures } from './scenarios-poll';

const FINAL = ['success', 'error', 'crashed', 'canceled'];
const TRIGGER = 'Start';
const KLING = 'Kling 3.0 (APIXO)';

/** Prompt marks the e2e's fake APIXO reads: `[e2e:render=<ms>]` and `[e2e:never]`. */
export const renderMark = (ms: number) => `[e2e:render=${ms}]`;
export const NEVER_MARK = '[e2e:never]';

export function markedRenderMs(prompt: string | undefined): number | undefined {
	const match = prompt?.match(/\[e2e:render=(\d+)\]/);
	return match ? Number(match[1]) : undefined;
}

type Row = { prompt: string };

/** Manual trigger → Code node with the rows → Kling 3.0 (APIXO), as a sheet-fed workflow is. */
function batchWorkflow(ctx: ScenarioContext, name: string, rows: Row[], kling: Record<string, unknown>, nodeSettings: object = {}) {
	return {
		name,
		nodes: [
			{ id: 'e2e-start', name: TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'e2e-rows',
				name: 'Rows',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: `return ${JSON.stringify(rows.map((json) => ({ json })))};` },
			},
			{
				id: 'e2e-kling',
				name: KLING,
				type: KLING_TYPE,
				typeVersion: 1,
				position: [440, 0],
				parameters: { resource: 'video', operation: 'textToVideo', prompt: '={{ $json.prompt }}', duration: 5, sound: false, ...kling },
				credentials: { apixoApi: { ...ctx.env.credential } },
				...nodeSettings,
			},
		],
		connections: {
			[TRIGGER]: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: KLING, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

const RESUME_OPTIONS = { allowPrivateCallbackUrl: true, maxRequestsPerSecond: 0, maxConcurrency: 50 };

async function startResume(ctx: ScenarioContext, name: string, rows: Row[], options: object = {}) {
	const workflow = batchWorkflow(ctx, name, rows, { waitMode: 'resume', options: { ...RESUME_OPTIONS, ...options } });
	const saved = await ctx.n8n.rest.importWorkflow(workflow);
	const run = await ctx.n8n.rest.runWorkflowManually(saved.id, TRIGGER);
	assert(run.executionId, `run gave no executionId: ${JSON.stringify(run)}`);
	const waiting = await ctx.n8n.rest.waitForExecution(run.executionId, ['waiting', ...FINAL], 120_000);
	assert(waiting.status === 'waiting', `execution ${run.executionId} ${describeExecution(waiting)}, expected waiting`);
	return run.executionId;
}

type VideoItem = { taskId?: string; state?: string };

/** Which row each task was submitted for (submits race, so APIXO's order is not the rows'). */
function rowsOfTasks(window: FakeWindow): Map<string, number> {
	return new Map(window.tasks().map((task) => [task.taskId, Number(task.input.prompt?.match(/^row (\d+)/)?.[1])]));
}

/** Every row came out as its own video, in order: one paired item per task, all success. */
function assertPairedVideos(items: VideoItem[], window: FakeWindow, rows: number): void {
	const tasks = window.tasks();
	assert(tasks.length === rows, `${tasks.length} tasks for ${rows} rows`);
	assert(items.length === rows, `${items.length} items for ${rows} rows`);
	const rowOf = rowsOfTasks(window);
	items.forEach((item, index) => {
		assert(item.state === 'success', `item ${index + 1}: ${JSON.stringify(item).slice(0, 300)}`);
		assert(rowOf.get(item.taskId ?? '') === index, `item ${index + 1} has another row's task`);
	});
}

/**
 * (e) 150 rows in Resume mode: 150 paired videos, and a callback URL that stays short. Real
 * renders spread over minutes; here they end 400 ms apart (60 s for the batch), so n8n on SQLite is not asked to
 * load the waiting execution 150 times in the same second.
 */
export async function largeResumeBatch(ctx: ScenarioContext, fig: Figures): Promise<void> {
	const rows = Array.from({ length: 150 }, (_, index) => ({ prompt: `row ${index} ${renderMark(3000 + index * 400)}` }));
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const executionId = await startResume(ctx, 'e2e: 150-row resume batch', rows);
	const done = await ctx.n8n.rest.waitForExecution(executionId, FINAL, 180_000);
	assert(done.status === 'success', `execution ${executionId} ${describeExecution(done)}`);
	const items = nodeOutput(done, KLING) as VideoItem[];
	assertPairedVideos(items, window, rows.length);
	fig.time = seconds(Date.now() - started);
	fig.longestCallbackUrl = `${Math.max(...window.tasks().map((task) => task.callback_url?.length ?? 0))} chars`;
	Object.assign(fig, window.figures(), { callbacks: `${window.figures().callbacks.split(',').length} deliveries` });
	assert(fig.submits === rows.length, `${fig.submits} submits for ${rows.length} rows`);
}

/** (f) The last-submitted task finishes first and the first one last: the run ends with all four. */
export async function callbacksInReverse(ctx: ScenarioContext, fig: Figures): Promise<void> {
	const rows = [9000, 7000, 5000, 3000].map((ms, index) => ({ prompt: `row ${index} ${renderMark(ms)}` }));
	const window = new FakeWindow(ctx.fake);
	const executionId = await startResume(ctx, 'e2e: callbacks in reverse order', rows);
	const done = await ctx.n8n.rest.waitForExecution(executionId, FINAL, 90_000);
	assert(done.status === 'success', `execution ${executionId} ${describeExecution(done)}`);
	assertPairedVideos(nodeOutput(done, KLING) as VideoItem[], window, rows.length);
	Object.assign(fig, window.figures());
}

/** (g) n8n restarted while the execution waits; callbacks that hit the stopped n8n are retried. */
export async function restartWhileWaiting(ctx: ScenarioContext, fig: Figures): Promise<void> {
	const rows = [4000, 6000, 30_000].map((ms, index) => ({ prompt: `row ${index} ${renderMark(ms)}` }));
	const window = new FakeWindow(ctx.fake);
	const executionId = await startResume(ctx, 'e2e: restart while waiting', rows);
	const down = Date.now();
	await ctx.n8n.restart();
	fig.downtime = seconds(Date.now() - down);
	const done = await ctx.n8n.rest.waitForExecution(executionId, FINAL, 120_000);
	assert(done.status === 'success', `execution ${executionId} ${describeExecution(done)}`);
	const items = nodeOutput(done, KLING) as VideoItem[];
	assert(items.length === 3 && items.every((item) => item.state === 'success'), JSON.stringify(items).slice(0, 300));
	Object.assign(fig, window.figures());
	assert(/(^|,)0(,|$)/.test(String(fig.callbacks)), `no callback met the stopped n8n (${fig.callbacks}): the restart proved nothing`);
}

/** (h) Callbacks never come: the wait limit ends the run with timeout items carrying task IDs. */
export async function callbacksNeverCome(ctx: ScenarioContext, fig: Figures): Promise<void> {
	const rows = [0, 1].map((index) => ({ prompt: `row ${index} ${NEVER_MARK}` }));
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const executionId = await startResume(ctx, 'e2e: callbacks never come', rows, { timeout: 3 });
	// n8n's WaitTracker looks for due executions once a minute.
	const done = await ctx.n8n.rest.waitForExecution(executionId, FINAL, 150_000);
	fig.time = seconds(Date.now() - started);
	assert(done.status === 'success', `execution ${executionId} ${describeExecution(done)}`);
	const items = nodeOutput(done, KLING) as VideoItem[];
	const rowOf = rowsOfTasks(window);
	assert(items.length === 2, `${items.length} items`);
	items.forEach((item, index) => {
		assert(item.state === 'timeout' && rowOf.get(item.taskId ?? '') === index, `item ${index + 1}: ${JSON.stringify(item).slice(0, 300)}`);
	});
	fig.items = items.map((item) => `${item.state}:${item.taskId}`).join(',');
}

/** (i) n8n's Retry On Fail with Max Tries 3: one submit per item that rendered. */
export async function retryOnFail(ctx: ScenarioContext, fig: Figures, failMark: string): Promise<void> {
	const rows = [{ prompt: 'row 0 renders' }, { prompt: `row 1 is refused ${failMark}` }];
	const window = new FakeWindow(ctx.fake);
	const workflow = batchWorkflow(
		ctx,
		'e2e: Retry On Fail',
		rows,
		{ waitMode: 'poll', options: { ...ctx.env.klingOptions, maxRequestsPerSecond: 0 } },
		{ retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
	);
	const saved = await ctx.n8n.rest.importWorkflow(workflow);
	const done = await runToEnd(ctx, saved.id, TRIGGER, 120_000);
	assert(done.status === 'error', `execution ${describeExecution(done)}, expected the refused row's error`);
	const tasks = window.tasks();
	const perRow = rows.map((row) => tasks.filter((task) => task.input.prompt === row.prompt).length);
	fig.submitsPerRow = perRow.join('/');
	assert(perRow[0] === 1, `the row that rendered was submitted ${perRow[0]} times`);
	assert(perRow[1] === 3, `the refused row was tried ${perRow[1]} times, expected 3`);
}

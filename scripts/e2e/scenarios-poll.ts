/**
 * Scenarios whose Kling node polls inside the execution: the scheduled text-to-video
 * example, the image-to-video example, and a failing task.
 */
import { KLING_TYPE, nodeOfType, prepareExample, triggerName } from './examples';
import { nodeOutput } from './n8n-rest';
import {
	assert,
	compareWrittenVideos,
	describeExecution,
	executionError,
	FakeWindow,
	runToEnd,
	seconds,
	type ScenarioContext,
} from './scenario-kit';

export type Figures = Record<string, string | number>;

/** Marks a prompt the fake fails with CONTENT_VIOLATION (see run.ts, `outcome`). */
export const FAIL_MARK = '[e2e:CONTENT_VIOLATION]';

/** Runs a poll-mode example; checks the execution, its items, the fake's traffic and the files. */
async function pollExample(ctx: ScenarioContext, file: string, expectedVideos: number, mode: string, fig: Figures): Promise<void> {
	const workflow = prepareExample(file, ctx.env);
	const kling = nodeOfType(workflow, KLING_TYPE).name;
	const saved = await ctx.n8n.rest.importWorkflow(workflow);
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const execution = await runToEnd(ctx, saved.id, triggerName(workflow));
	fig.time = seconds(Date.now() - started);
	Object.assign(fig, window.figures());
	assert(execution.status === 'success', `execution ${execution.id} ${describeExecution(execution)}`);

	const tasks = window.tasks();
	fig.executions = (await ctx.n8n.rest.listExecutions({ workflowId: saved.id })).length;
	assert(fig.executions === 1, `${fig.executions} executions of the workflow, expected 1`);
	assert(tasks.length === expectedVideos && fig.submits === expectedVideos, `${fig.submits} submits / ${tasks.length} tasks, expected ${expectedVideos} of each`);
	assert(tasks.every((t) => t.soundSent && !t.sound && t.input.mode === mode), `submitted inputs ${JSON.stringify(tasks.map((t) => t.input))}`);
	assert(Number(fig.statusReads) >= expectedVideos, `${fig.statusReads} status reads for ${expectedVideos} tasks`);

	const items = nodeOutput(execution, kling) as Array<Record<string, unknown>>;
	const ids = tasks.map((t) => t.taskId);
	assert(
		items.length === expectedVideos && items.every((item, i) => item.state === 'success' && item.taskId === ids[i] && item.mode === mode),
		`${kling} output ${JSON.stringify(items).slice(0, 400)}, expected ${expectedVideos} success items for ${ids.join(', ')}`,
	);
	const written = nodeOutput(execution, 'Save video') as Array<Record<string, unknown>>;
	assert(written.length === expectedVideos, `Save video wrote ${written.length} items`);
	fig.files = `${expectedVideos} (${await compareWrittenVideos(ctx, tasks)} B, byte-identical)`;
}

/** (a) examples/scheduled-social-video.json, run from its Schedule Trigger: 3 videos polled side by side. */
export async function textToVideoPoll(ctx: ScenarioContext, fig: Figures): Promise<void> {
	await pollExample(ctx, 'scheduled-social-video.json', 3, 'text-to-video', fig);
}

/** examples/image-to-video.json as it is. */
export async function imageToVideoPoll(ctx: ScenarioContext, fig: Figures): Promise<void> {
	await pollExample(ctx, 'image-to-video.json', 1, 'image-to-video', fig);
}

/**
 * (d) examples/image-to-video.json with two product photos, the second one's prompt marked
 * for CONTENT_VIOLATION: the execution fails, and its error names the fail code and both
 * the failed task and the finished one.
 */
export async function failingTask(ctx: ScenarioContext, fig: Figures): Promise<void> {
	const photos = [
		{ image: 'https://example.com/product.png', prompt: 'animate the product photo with a slow studio camera move' },
		{ image: 'https://example.com/product.png', prompt: `a product photo that breaks the rules ${FAIL_MARK}` },
	];
	const workflow = prepareExample('image-to-video.json', ctx.env, {
		code: { 'Product photos': `return ${JSON.stringify(photos.map((json) => ({ json })))};` },
	});
	const kling = nodeOfType(workflow, KLING_TYPE).name;
	const saved = await ctx.n8n.rest.importWorkflow(workflow);
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const execution = await runToEnd(ctx, saved.id, triggerName(workflow));
	fig.time = seconds(Date.now() - started);
	Object.assign(fig, window.figures());
	fig.executions = (await ctx.n8n.rest.listExecutions({ workflowId: saved.id })).length;

	const tasks = window.tasks();
	assert(tasks.length === 2 && fig.submits === 2, `${fig.submits} submits / ${tasks.length} tasks, expected 2`);
	const [good, bad] = tasks;
	assert(bad.input.mode === 'image-to-video' && JSON.stringify(bad.input).includes(FAIL_MARK), `second task ${JSON.stringify(bad.input)}`);
	assert(execution.status === 'error', `execution ${execution.id} ended '${execution.status}', expected 'error'`);
	const error = executionError(execution);
	const runs = execution.data.resultData.runData[kling] ?? [];
	const nodeError = JSON.stringify(runs[runs.length - 1]?.error ?? {});
	fig.error = String(execution.data.resultData.error?.message ?? '').slice(0, 90);
	for (const [what, text] of [
		['CONTENT_VIOLATION', 'CONTENT_VIOLATION'],
		['failed taskId', bad.taskId],
		['finished taskId', good.taskId],
	]) {
		assert(error.includes(text) && nodeError.includes(text), `the execution error does not name the ${what} (${text}): ${error.slice(0, 600)}`);
	}
	assert(execution.data.resultData.lastNodeExecuted === kling, `last node ${execution.data.resultData.lastNodeExecuted}`);
	assert(!execution.data.resultData.runData['Save video'], 'Save video ran after the failure');
}

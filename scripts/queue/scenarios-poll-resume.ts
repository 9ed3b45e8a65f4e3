/**
 * (a) a 30-item batch polled inside one execution on a worker;
 * (b) twenty resume-mode executions waiting at once with no worker slot held, each woken by
 *     its own callback through the webhook process.
 */
import { taskData } from '../../test/fake-apixo/tasks';
import {
	assert,
	binaryModes,
	durationTag,
	enqueuedBy,
	errorMessage,
	executionsOf,
	FakeWindow,
	FINAL,
	type Figures,
	logLines,
	nodeItems,
	paidTwice,
	postJson,
	type QueueContext,
	seconds,
	startThroughWebhookProcess,
	tally,
	waitFor,
	workerRuns,
} from './kit';
import { KLING, PATHS, pollBatchWorkflow, resumeWorkflow } from './workflows';
import { requestWorkerStatus } from './worker-status';

let batchWorkflowId: string | undefined;

/** The (a)/(d) workflow, imported and activated once. */
export async function batchWorkflow(ctx: QueueContext): Promise<string> {
	if (!batchWorkflowId) {
		const saved = await ctx.cluster.rest.importWorkflow(pollBatchWorkflow(ctx.credential));
		await ctx.cluster.rest.activateWorkflow(saved.id);
		batchWorkflowId = saved.id;
	}
	return batchWorkflowId;
}

export const batchPrompts = (tag: string, count: number, ms: (i: number) => number): string[] =>
	Array.from({ length: count }, (_, i) => `${tag} video ${i + 1}: a lighthouse at dusk, slow pan ${durationTag(ms(i))}`);

/** (a) */
export async function pollBatch(ctx: QueueContext, fig: Figures): Promise<void> {
	const { rest } = ctx.cluster;
	const workflowId = await batchWorkflow(ctx);
	const prompts = batchPrompts('queue-a', 30, (i) => 3000 + (i % 4) * 1000); // 3–6 s renders
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const executionId = await startThroughWebhookProcess(ctx, workflowId, PATHS.batch, { prompts });
	const done = await rest.waitForExecution(executionId, FINAL, 120_000);
	fig.time = seconds(Date.now() - started);
	const f = window.figures();
	Object.assign(fig, { execution: executionId, status: done.status, submits: f.submits, statusReads: f.statusReads, downloads: f.downloads });
	assert(done.status === 'success', `execution ${executionId} ${done.status}: ${errorMessage(done)}`);

	const tasks = window.tasks();
	const items = nodeItems(done, KLING);
	fig.items = items.length;
	fig.worker = tally(workerRuns(ctx, executionId));
	fig.enqueuedBy = tally(enqueuedBy(ctx, executionId));
	fig.binary = binaryModes(items);
	assert(f.submits === 30 && tasks.length === 30, `${f.submits} submits / ${tasks.length} tasks, expected 30`);
	const ids = new Set(tasks.map((t) => t.taskId));
	assert(
		items.length === 30 && items.every((item) => item.json.state === 'success' && ids.has(String(item.json.taskId))) && new Set(items.map((i) => i.json.taskId)).size === 30,
		`${KLING} output: ${items.length} items, ${JSON.stringify(items.slice(0, 2).map((i) => i.json)).slice(0, 300)}`,
	);
	assert(fig.binary === 'database ×30', `binary data ids: ${fig.binary} (expected database mode)`);
	assert(workerRuns(ctx, executionId).length === 1, `workers that ran it: ${fig.worker}`);
	assert(enqueuedBy(ctx, executionId).join() === 'webhook', `enqueued by: ${fig.enqueuedBy}`);
	fig.paidTwice = paidTwice(ctx, 'queue-a').length;
	assert(fig.paidTwice === 0, `inputs submitted more than once: ${paidTwice(ctx, 'queue-a').join('; ')}`);
}

const RESUME_COUNT = 20;
const RESUME_RENDER_MS = 15_000;
/** Callbacks delivered to both processes at the same moment (APIXO redelivering to another replica). */
const DOUBLE_DELIVERIES = 5;

/** (b) */
export async function resumeTwenty(ctx: QueueContext, fig: Figures): Promise<void> {
	const { rest, redis, mainUrl, webhookUrl } = ctx.cluster;
	const saved = await rest.importWorkflow(resumeWorkflow(ctx.credential));
	await rest.activateWorkflow(saved.id);
	const prompts = Array.from({ length: RESUME_COUNT }, (_, i) => `queue-b video ${i + 1}: a koi pond in the rain ${durationTag(RESUME_RENDER_MS)}`);
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const posts = await Promise.all(prompts.map(async (prompt) => await postJson(`${webhookUrl}webhook/${PATHS.resume}`, { prompt })));
	assert(posts.every((p) => p.status === 200), `webhook answers ${tally(posts.map((p) => String(p.status)))}`);

	const settled = await waitFor(`${RESUME_COUNT} executions to wait`, 40_000, async () => {
		const list = await executionsOf(ctx, saved.id);
		return list.length === RESUME_COUNT && list.every((e) => e.status === 'waiting' || FINAL.includes(e.status)) ? list : undefined;
	});
	const seenWaitingAt = Date.now();
	fig.waiting = `${settled.filter((e) => e.status === 'waiting').length}/${RESUME_COUNT} after ${seconds(seenWaitingAt - started)}`;
	assert(settled.every((e) => e.status === 'waiting'), `statuses ${tally(settled.map((e) => e.status))}`);
	const tasks = window.tasks();
	assert(tasks.length === RESUME_COUNT, `${tasks.length} tasks submitted, expected ${RESUME_COUNT}`);
	const firstReady = Math.min(...tasks.map((t) => t.readyAt));
	assert(seenWaitingAt < firstReady, 'a render had already ended when all executions showed waiting');
	fig.renderLeft = seconds(firstReady - seenWaitingAt);

	// Worker slots in use while everything waits: asked twice, the workers answer over Redis.
	const samples: number[] = [];
	let answers = 0;
	for (let i = 0; i < 2; i++) {
		const statuses = await requestWorkerStatus(redis, { expectWorkers: 2, timeoutMs: 3000 });
		answers = Math.max(answers, statuses.length);
		samples.push(statuses.reduce((sum, s) => sum + s.runningJobsSummary.length, 0));
		if (i === 0) await new Promise((resolve) => setTimeout(resolve, 2000));
	}
	fig.workerSlotsWhileWaiting = `${samples.join(', ')} (${answers} workers answered)`;
	assert(answers === 2 && samples.every((n) => n === 0), `worker slots in use while waiting: ${fig.workerSlotsWhileWaiting}`);
	assert(Date.now() < firstReady, 'the worker-status samples ran past the end of the renders');
	const readsWhileWaiting = window.statusReads();

	// Which execution each task will wake (the resume URL carries the execution id).
	const executionOfTask = new Map(tasks.map((t) => [t.taskId, /\/webhook-waiting\/(\d+)\?/.exec(t.callback_url ?? '')?.[1]]));
	const waitingIds = new Set(settled.map((e) => e.id));
	assert([...executionOfTask.values()].every((id) => id && waitingIds.has(id)) && new Set(executionOfTask.values()).size === RESUME_COUNT, 'the tasks’ callback URLs do not map one to one to the waiting executions');
	const onWebhookProcess = tasks.every((t) => t.callback_url?.startsWith(`${webhookUrl}webhook-waiting/`));
	assert(onWebhookProcess, `callback_url ${tasks[0].callback_url?.slice(0, 80)} does not point at the webhook process`);

	// A few callbacks reach both processes at once: the webhook process (the URL APIXO was
	// given) and the main process (same path and signature), as a redelivery through another replica would.
	const doubled = tasks.slice(0, DOUBLE_DELIVERIES);
	const mainAnswers = await Promise.all(
		doubled.map(async (task) => {
			const first = ctx.fake.deliverCallbackNow(task.taskId); // finishes the task now, POSTs to the webhook process
			const url = (task.callback_url as string).replace(webhookUrl, mainUrl);
			const [again] = await Promise.all([postJson(url, { code: 200, message: 'success', data: taskData(task, Date.now()) }), first]);
			const body = again.body as { resumed?: boolean; reason?: string; message?: string } | undefined;
			return `${again.status}${body?.resumed !== undefined ? ` resumed:${body.resumed}` : ''}${body?.reason ? ` (${body.reason})` : body?.message ? ` (${body.message.slice(0, 60)})` : ''}`;
		}),
	);

	const finished = await waitFor(`${RESUME_COUNT} executions to finish`, 60_000, async () => {
		const list = await executionsOf(ctx, saved.id);
		return list.length >= RESUME_COUNT && list.every((e) => FINAL.includes(e.status)) ? list : undefined;
	});
	fig.time = seconds(Date.now() - started);
	await ctx.fake.callbacksSettled();
	const f = window.figures();
	Object.assign(fig, { submits: f.submits, statusReads: f.statusReads, statusReadsWhileWaiting: readsWhileWaiting, downloads: f.downloads });
	fig.finished = tally(finished.map((e) => e.status));
	fig.callbacksToWebhookProcess = tally(ctx.fake.stats.callbacks.filter((c) => executionOfTask.has(c.taskId)).map((c) => String(c.status)));
	fig.sameTimeRedeliveryToMain = tally(mainAnswers);
	const retried = ctx.fake.stats.callbacks.filter((c) => executionOfTask.has(c.taskId) && c.status !== 200);
	if (retried.length) {
		ctx.notes.push(
			`(b) callback attempts not answered 200 (0 = no answer within APIXO's 30 s callback timeout, or a network error), retried by the fake:\n` +
				retried.map((c) => `    ${c.taskId} (execution ${executionOfTask.get(c.taskId)}${doubled.some((t) => t.taskId === c.taskId) ? ', doubled' : ''}): attempt ${c.attempt} → ${c.status}`).join('\n'),
		);
	}
	assert(finished.length === RESUME_COUNT, `${finished.length} executions, expected ${RESUME_COUNT}`);
	assert(finished.every((e) => e.status === 'success'), `statuses ${fig.finished}`);
	assert(f.submits === RESUME_COUNT && readsWhileWaiting === 0, `${f.submits} submits, ${readsWhileWaiting} status reads while waiting`);

	const resumedOn: string[] = [];
	const problems: string[] = [];
	for (const task of tasks) {
		const executionId = executionOfTask.get(task.taskId) as string;
		const execution = await rest.getExecution(executionId);
		const items = nodeItems(execution, KLING);
		const own = items.length === 1 && items[0].json.taskId === task.taskId && items[0].json.state === 'success' && items[0].json.videoUrl === task.resultUrls[0];
		const after = nodeItems(execution, 'After resume');
		const runs = workerRuns(ctx, executionId);
		const enq = enqueuedBy(ctx, executionId);
		if (!own) problems.push(`${executionId}: ${KLING} output ${JSON.stringify(items.map((i) => i.json)).slice(0, 200)}`);
		if (after.length !== 1 || !after[0].binary?.data?.id?.startsWith('database')) problems.push(`${executionId}: 'After resume' got ${after.length} items, binary ${after[0]?.binary?.data?.id}`);
		if (runs.length !== 2 || enq.length !== 2) problems.push(`${executionId}: ${runs.length} worker jobs (${runs.join()}), enqueued ${enq.length}× (${enq.join()})`);
		resumedOn.push(runs[1] ?? 'none');
	}
	const doubledIds = doubled.map((t) => executionOfTask.get(t.taskId) as string);
	fig.doubledResumedBy = tally(doubledIds.map((id) => enqueuedBy(ctx, id)[1] ?? 'none'));
	const refusedLines = [ctx.cluster.main, ctx.cluster.webhook].flatMap((p) =>
		logLines(p, /already being resumed by another process/).filter((line) => doubledIds.some((id) => line.includes(`(execution ${id})`))).map(() => p.name),
	);
	fig.doubledRefusedBy = `${tally(refusedLines)} ("already being resumed by another process")`;
	fig.ownVideo = `${RESUME_COUNT - problems.filter((p) => p.includes(KLING)).length}/${RESUME_COUNT}`;
	fig.resumedOn = tally(resumedOn);
	fig.jobsPerExecution = problems.some((p) => p.includes('worker jobs')) ? 'see notes' : '2 (run + resume) each';
	if (problems.length) ctx.notes.push(`(b) problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
	assert(problems.length === 0, problems.slice(0, 3).join('; '));
}

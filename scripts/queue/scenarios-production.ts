/**
 * Queue mode as production runs it, with Resume-mode batches (one waiting execution per batch):
 * (e) the main process restarted while executions wait, half of the callbacks sent to main while
 *     it is down and retried on APIXO's schedule;
 * (f) EXECUTIONS_DATA_SAVE_ON_SUCCESS=none on every n8n process: n8n deletes each execution once it
 *     succeeds, so the videos are checked in the files the workflow writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeApixo, FakeTask } from '../../test/fake-apixo';
import { assert, durationTag, errorMessage, executionsOf, FakeWindow, FINAL, type Figures, nodeItems, paidTwice, postJson, type QueueContext, seconds, sleep, tally, waitFor } from './kit';
import { KLING, PATHS, resumeBatchWorkflow } from './workflows';

const BATCHES = 4;
const PER_BATCH = 5;

interface WaitingBatches {
	workflowId: string;
	window: FakeWindow;
	/** Execution id → its tasks, in row order. */
	tasksOf: Map<string, FakeTask[]>;
	startedAt: number;
}

const executionOfTask = (task: FakeTask): string => /\/webhook-waiting\/(\d+)\?/.exec(task.callback_url ?? '')?.[1] ?? '?';
const rowOf = (task: FakeTask): number => Number(/ video (\d+):/.exec('prompt' in task.input ? String(task.input.prompt) : '')?.[1] ?? 0) - 1;
const batchOf = (task: FakeTask): string => /batch (\d+)/.exec('prompt' in task.input ? String(task.input.prompt) : '')?.[1] ?? '?';

/** Imports the workflow, POSTs the batches through the webhook process and waits until every execution waits. */
async function startWaitingBatches(ctx: QueueContext, fake: FakeApixo, credential: { id: string; name: string }, webhookPath: string, tag: string, renderMs: number): Promise<WaitingBatches> {
	const { rest, webhookUrl, filesDir } = ctx.cluster;
	const saved = await rest.importWorkflow(resumeBatchWorkflow(credential, webhookPath, filesDir));
	await rest.activateWorkflow(saved.id);
	const window = new FakeWindow(fake);
	const startedAt = Date.now();
	const posts = await Promise.all(
		Array.from({ length: BATCHES }, async (_, b) => {
			const prompts = Array.from({ length: PER_BATCH }, (__, i) => `${tag} batch ${b + 1} video ${i + 1}: a paper boat on a stream ${durationTag(renderMs)}`);
			return await postJson(`${webhookUrl}webhook/${webhookPath}`, { prompts });
		}),
	);
	assert(posts.every((p) => p.status === 200), `webhook answers ${tally(posts.map((p) => String(p.status)))}`);
	const waiting = await waitFor(`${BATCHES} executions to wait`, 60_000, async () => {
		const list = await executionsOf(ctx, saved.id);
		return list.length === BATCHES && list.every((e) => e.status === 'waiting' || FINAL.includes(e.status)) ? list : undefined;
	});
	assert(waiting.every((e) => e.status === 'waiting'), `statuses ${tally(waiting.map((e) => e.status))}`);
	const tasks = window.tasks();
	assert(tasks.length === BATCHES * PER_BATCH, `${tasks.length} tasks submitted, expected ${BATCHES * PER_BATCH}`);
	const tasksOf = new Map(waiting.map((e) => [e.id, tasks.filter((t) => executionOfTask(t) === e.id).sort((a, b) => rowOf(a) - rowOf(b))]));
	const grouped = [...tasksOf.values()];
	assert(
		grouped.every((group) => group.length === PER_BATCH && new Set(group.map(batchOf)).size === 1 && group.every((t, row) => rowOf(t) === row)),
		`the tasks' resume URLs do not map each batch to one waiting execution: ${grouped.map((g) => g.map((t) => `${batchOf(t)}/${rowOf(t)}`).join(' ')).join(' | ')}`,
	);
	return { workflowId: saved.id, window, tasksOf, startedAt };
}

/** Problems with the files the workflow wrote: one per row, named by its execution, row and task, holding what the fake serves. */
async function checkWrittenVideos(ctx: QueueContext, batches: WaitingBatches): Promise<{ problems: string[]; bytes: number }> {
	const problems: string[] = [];
	let bytes = 0;
	for (const [executionId, tasks] of batches.tasksOf) {
		for (const [row, task] of tasks.entries()) {
			const file = path.join(ctx.cluster.filesDir, `${executionId}-${row}-${task.taskId}.mp4`);
			if (!existsSync(file)) {
				problems.push(`no ${path.basename(file)}`);
				continue;
			}
			const served = Buffer.from(await (await fetch(task.resultUrls[0])).arrayBuffer());
			const written = readFileSync(file);
			if (served.length === 0 || !written.equals(served)) problems.push(`${path.basename(file)}: ${written.length} bytes, the fake serves ${served.length}`);
			bytes += written.length;
		}
	}
	return { problems, bytes };
}

/** The executions of a workflow n8n kept, by psql (the REST API is main's, and main may be down). */
async function keptExecutions(ctx: QueueContext, workflowId: string): Promise<Array<{ id: string; status: string }>> {
	const { pg } = ctx.cluster;
	const text = await pg.psql(`SELECT id || ' ' || status FROM execution_entity WHERE "workflowId" = '${workflowId}' AND "deletedAt" IS NULL`, { user: pg.user, database: pg.database });
	return text.split('\n').filter(Boolean).map((row) => ({ id: row.split(' ')[0], status: row.split(' ')[1] }));
}

const statusesInDatabase = async (ctx: QueueContext, workflowId: string): Promise<string> => tally((await keptExecutions(ctx, workflowId)).map((e) => e.status));

/** Delivery attempts per task of `tasks`, e.g. "0,0,200". */
const attempts = (fake: FakeApixo, tasks: FakeTask[]): string[] =>
	tasks.map((t) => fake.stats.callbacks.filter((c) => c.taskId === t.taskId).map((c) => String(c.status)).join(','));

/** (e) */
export async function mainRestart(ctx: QueueContext, fig: Figures): Promise<void> {
	const { main, mainUrl, webhookUrl, rest } = ctx.cluster;
	const { fake } = ctx;
	const batches = await startWaitingBatches(ctx, fake, ctx.credential, PATHS.mainRestart, 'queue-e', 600_000);
	const executionIds = [...batches.tasksOf.keys()];
	fig.waiting = `${executionIds.length} executions × ${PER_BATCH} tasks after ${seconds(Date.now() - batches.startedAt)}`;

	const stoppedAt = Date.now();
	await main.stop();
	fig.mainStopped = `SIGTERM, down after ${seconds(Date.now() - stoppedAt)}`;
	// Half of the batches called back at the webhook process (their resume URL) while main is
	// down; then the other half at main (the same path: a deployment routing /webhook-waiting to
	// main), just before it starts again.
	const toWebhook = executionIds.slice(0, BATCHES / 2).flatMap((id) => batches.tasksOf.get(id) as FakeTask[]);
	const toMain = executionIds.slice(BATCHES / 2).flatMap((id) => batches.tasksOf.get(id) as FakeTask[]);
	const deliveries = toWebhook.map(async (task) => await fake.deliverCallbackNow(task.taskId));
	// Not a check, a figure: does the webhook process finish them without main?
	const webhookSide = executionIds.slice(0, BATCHES / 2);
	const downDeadline = Date.now() + 60_000;
	let whileDown: string[] = [];
	do {
		await sleep(500);
		whileDown = (await ctx.cluster.pg.psql(`SELECT status FROM execution_entity WHERE id IN (${webhookSide.join(',')})`, { user: ctx.cluster.pg.user, database: ctx.cluster.pg.database })).split('\n').filter(Boolean);
	} while (!whileDown.every((status) => FINAL.includes(status)) && Date.now() < downDeadline);
	fig.webhookSideWhileMainDown = tally(whileDown);
	deliveries.push(...toMain.map(async (task) => await fake.deliverCallbackNow(task.taskId, (task.callback_url as string).replace(webhookUrl, mainUrl))));
	await waitFor('a first delivery attempt of every callback to main', 20_000, () => (attempts(fake, toMain).every(Boolean) ? true : undefined));
	fig.mainSideWhileMainDown = await statusesInDatabase(ctx, batches.workflowId);

	const restartAt = Date.now();
	await ctx.cluster.restart(main);
	fig.mainBack = `after ${seconds(Date.now() - stoppedAt)} down (start ${seconds(Date.now() - restartAt)}), pid ${main.pid}`;
	await Promise.all(deliveries);
	const finished = await waitFor(`${BATCHES} executions to finish`, 120_000, async () => {
		const list = await executionsOf(ctx, batches.workflowId);
		return list.length === BATCHES && list.every((e) => FINAL.includes(e.status)) ? list : undefined;
	});
	fig.time = seconds(Date.now() - batches.startedAt);
	fig.finished = tally(finished.map((e) => e.status));
	fig.callbacksToWebhook = tally(attempts(fake, toWebhook));
	fig.callbacksToMain = tally(attempts(fake, toMain));

	const problems: string[] = [];
	for (const [executionId, tasks] of batches.tasksOf) {
		const execution = await rest.getExecution(executionId);
		const items = nodeItems(execution, KLING);
		const paired = items.length === PER_BATCH && items.every((item, row) => item.json.taskId === tasks[row].taskId && item.json.state === 'success' && item.json.videoUrl === tasks[row].resultUrls[0]);
		if (execution.status !== 'success') problems.push(`${executionId} ${execution.status}: ${errorMessage(execution)}`);
		else if (!paired) problems.push(`${executionId}: ${KLING} output ${JSON.stringify(items.map((i) => [i.json.taskId, i.json.state])).slice(0, 200)}`);
	}
	const files = await checkWrittenVideos(ctx, batches);
	problems.push(...files.problems);
	const f = batches.window.figures();
	const twice = paidTwice(ctx, 'queue-e');
	Object.assign(fig, { submits: f.submits, paidTwice: twice.length, statusReads: f.statusReads, videosWritten: `${BATCHES * PER_BATCH - files.problems.length}/${BATCHES * PER_BATCH} (${files.bytes} bytes)` });
	if (problems.length) ctx.notes.push(`(e) problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
	assert(toMain.every((t) => attempts(fake, [t])[0].startsWith('0,')), `a callback sent to main while it was down was answered: ${fig.callbacksToMain}`);
	assert(f.submits === BATCHES * PER_BATCH && twice.length === 0, `${f.submits} submits, paid twice: ${twice.join('; ')}`);
	assert(problems.length === 0, problems.slice(0, 3).join('; '));
}

/** (f): runs last, as it leaves every n8n process deleting what succeeds. */
export async function saveNothingOnSuccess(ctx: QueueContext, fig: Figures): Promise<void> {
	const restartAt = Date.now();
	await ctx.cluster.restartAll({ EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none' });
	fig.restartedAll = `${ctx.cluster.all().length} processes with EXECUTIONS_DATA_SAVE_ON_SUCCESS=none in ${seconds(Date.now() - restartAt)}`;
	const batches = await startWaitingBatches(ctx, ctx.fake, ctx.credential, PATHS.saveNothing, 'queue-f', 15_000);
	fig.waiting = `${batches.tasksOf.size} executions × ${PER_BATCH} tasks after ${seconds(Date.now() - batches.startedAt)}`;
	const firstReady = Math.min(...batches.window.tasks().map((t) => t.readyAt));
	fig.renderLeftWhenAllWaiting = seconds(firstReady - Date.now());

	// Each execution, once it succeeds, is deleted (by the process that enqueued its last run, once
	// it hears the job finished): done when none is left, or a while after the last one stopped waiting.
	const deadline = Date.now() + 120_000;
	let left = await statusesInDatabase(ctx, batches.workflowId);
	let settledAt: number | undefined;
	while (left !== 'none' && Date.now() < deadline && (settledAt === undefined || Date.now() - settledAt < 20_000)) {
		await sleep(500);
		left = await statusesInDatabase(ctx, batches.workflowId);
		settledAt ??= /waiting|running|new/.test(left) ? undefined : Date.now();
	}
	fig.time = seconds(Date.now() - batches.startedAt);
	fig.executionsLeftInDatabase = left;
	for (const { id, status } of await keptExecutions(ctx, batches.workflowId)) ctx.notes.push(`(f) execution ${id} kept (${status}): ${errorMessage(await ctx.cluster.rest.getExecution(id))}`);
	await ctx.fake.callbacksSettled();
	const files = await checkWrittenVideos(ctx, batches);
	const f = batches.window.figures();
	const twice = paidTwice(ctx, 'queue-f');
	Object.assign(fig, {
		videosWritten: `${BATCHES * PER_BATCH - files.problems.length}/${BATCHES * PER_BATCH} (${files.bytes} bytes)`,
		submits: f.submits,
		paidTwice: twice.length,
		callbacks: tally(f.callbacks.split(',')),
	});
	if (files.problems.length) ctx.notes.push(`(f) problems:\n${files.problems.map((p) => `  - ${p}`).join('\n')}`);
	assert(left === 'none', `executions left in the database: ${left}`);
	assert(files.problems.length === 0, files.problems.slice(0, 3).join('; '));
	assert(f.submits === BATCHES * PER_BATCH && twice.length === 0, `${f.submits} submits, paid twice: ${twice.join('; ')}`);
}

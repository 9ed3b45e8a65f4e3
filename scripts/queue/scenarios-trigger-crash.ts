/**
 * (c) APIXO Trigger callbacks through the webhook process, their executions run on workers; a
 *     redelivery of each task a second later through the main process must start nothing;
 * (d) SIGKILL of the worker that is polling a 30-item batch, and a restart: what n8n does with
 *     the execution (status over time, Bull's job), and whether anything is paid twice.
 */
import { randomBytes } from 'node:crypto';
import { taskData } from '../../test/fake-apixo/tasks';
import {
	assert,
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
	sleep,
	startThroughWebhookProcess,
	tally,
	waitFor,
	workerRuns,
	durationTag,
} from './kit';
import { batchPrompts, batchWorkflow } from './scenarios-poll-resume';
import { connectRedis } from './redis-client';
import { requestWorkerStatus } from './worker-status';
import { callbackSubmitWorkflow, KLING, PATHS, TRIGGER_WEBHOOK_ID, triggerWorkflow } from './workflows';

/**
 * One batch: five tasks that finish together (the fake calls back for them within a few hundred
 * milliseconds), then one that finishes alone, then one that finishes alone and whose video
 * downloads slowly (a slow file host). Every task is redelivered through the main process a
 * second after its callback was answered.
 *
 * Why the slow download matters: the trigger answers APIXO at once, then downloads the video,
 * and n8n writes the trigger's static data (where it remembers task ids) to the database only
 * after webhook() returns. Until then only the receiving process knows the task was taken.
 */
const TOGETHER = 5;
const TOGETHER_MS = 4000;
const LONE_MS = 7000;
const SLOW_MS = 10_000;
const SLOW_DOWNLOAD_MS = 2500;

type FakeTaskT = ReturnType<FakeWindow['tasks']>[number];

/** (c) */
export async function triggerCallbacks(ctx: QueueContext, fig: Figures): Promise<void> {
	const { rest, mainUrl, webhookUrl, pg } = ctx.cluster;
	const token = randomBytes(18).toString('base64url');
	const receiver = await rest.importWorkflow(triggerWorkflow(token));
	await rest.activateWorkflow(receiver.id);
	const hookPath = `webhook/${TRIGGER_WEBHOOK_ID}/apixo?token=${token}`;
	const submitter = await rest.importWorkflow(callbackSubmitWorkflow(ctx.credential, `${webhookUrl}${hookPath}`));
	await rest.activateWorkflow(submitter.id);
	/** The trigger's remembered task ids as n8n stored them (workflow static data, read from PostgreSQL). */
	const remembered = async (): Promise<string[]> => {
		const raw = (await pg.psql(`SELECT "staticData" FROM workflow_entity WHERE id = '${receiver.id.replace(/'/g, '')}'`, { user: pg.user, database: pg.database })).trim();
		// getWorkflowStaticData('node') is the top-level key `node:<node name>`.
		const data = (raw ? JSON.parse(raw) : {}) as Record<string, { seenTaskIds?: string[] } | undefined>;
		return Object.entries(data).flatMap(([key, value]) => (key.startsWith('node:') ? (value?.seenTaskIds ?? []) : []));
	};
	const delivered = (taskId: string) => ctx.fake.stats.callbacks.find((c) => c.taskId === taskId && !c.redelivery);
	const staticDataLog: string[] = [];
	/** Waits for the group's callbacks, then (a second later) redelivers each through the main process. */
	const redeliverToMain = async (group: FakeTaskT[], label: string): Promise<string> => {
		await waitFor('the callbacks to the webhook process', 30_000, () => (group.every((t) => delivered(t.taskId)) ? true : undefined), 20);
		await sleep(1000);
		const ids = await remembered();
		staticDataLog.push(`${label}: ${group.map((t) => `${t.taskId.slice(-6)}:${ids.includes(t.taskId) ? 'stored' : 'NOT STORED'}`).join(' ')}`);
		const answers = await Promise.all(
			group.map(async (task) => await postJson(`${mainUrl}${hookPath}`, { code: 200, message: 'success', data: taskData(task, Date.now()) })),
		);
		const said = answers.map((a) => {
			const body = a.body as { reason?: string; started?: boolean } | undefined;
			return `${a.status} ${body?.reason ?? `started:${String(body?.started)}`}`;
		});
		return `stored ${group.filter((t) => ids.includes(t.taskId)).length}/${group.length}, main answered ${tally(said)}`;
	};

	const prompts = [
		...Array.from({ length: TOGETHER }, (_, i) => `queue-c video ${i + 1}: paper lanterns over a river ${durationTag(TOGETHER_MS)}`),
		`queue-c video ${TOGETHER + 1}: a lone paper lantern ${durationTag(LONE_MS)}`,
		`queue-c video ${TOGETHER + 2}: a lantern on a slow file host ${durationTag(SLOW_MS)}`,
	];
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const submitId = await startThroughWebhookProcess(ctx, submitter.id, PATHS.callbackSubmit, { prompts });
	const submitted = await rest.waitForExecution(submitId, FINAL, 60_000);
	assert(submitted.status === 'success', `submit execution ${submitId} ${submitted.status}: ${errorMessage(submitted)}`);
	const tasks = window.tasks();
	const states = nodeItems(submitted, KLING).map((i) => String(i.json.state));
	assert(tasks.length === prompts.length && states.length === prompts.length && states.every((s) => s === 'submitted'), `${tasks.length} tasks, submit output states ${tally(states)}`);
	assert(tasks.every((t) => t.callback_url === `${webhookUrl}${hookPath}`), `callback_url ${tasks[0]?.callback_url}`);
	const together = tasks.slice(0, TOGETHER);
	const [lone, slow] = tasks.slice(TOGETHER);
	ctx.fake.inject({ on: 'download', taskId: slow.taskId, kind: 'delay', ms: SLOW_DOWNLOAD_MS });

	fig.together = `${await redeliverToMain(together, `${TOGETHER} together`)} (callbacks within ${Math.max(...together.map((t) => t.readyAt)) - Math.min(...together.map((t) => t.readyAt))} ms)`;
	fig.alone = await redeliverToMain([lone], 'alone');
	fig.aloneSlowDownload = await redeliverToMain([slow], `alone, download +${SLOW_DOWNLOAD_MS} ms`);
	fig.callbacksToWebhookProcess = tally(tasks.map((t) => String(delivered(t.taskId)?.status)));

	await sleep(3000); // a duplicate execution would have appeared by now
	const runs = await waitFor('the trigger executions to finish', 30_000, async () => {
		const list = await executionsOf(ctx, receiver.id);
		return list.length >= tasks.length && list.every((e) => FINAL.includes(e.status)) ? list : undefined;
	});
	fig.time = seconds(Date.now() - started);
	Object.assign(fig, { submits: window.figures().submits, triggerExecutions: `${runs.length} for ${tasks.length} tasks`, statuses: tally(runs.map((e) => e.status)) });

	const taskOf = new Map<string, string>();
	const ranOn: string[] = [];
	const enqueuers: string[] = [];
	for (const summary of runs) {
		const execution = await rest.getExecution(summary.id);
		const [item] = nodeItems(execution, 'APIXO Trigger');
		taskOf.set(summary.id, String(item?.json.taskId));
		ranOn.push(...workerRuns(ctx, summary.id));
		enqueuers.push(...enqueuedBy(ctx, summary.id));
	}
	fig.ranOn = tally(ranOn);
	fig.enqueuedBy = tally(enqueuers);
	const perTask = tasks.map((t) => [...taskOf.values()].filter((id) => id === t.taskId).length);
	fig.executionsPerTask = perTask.join(',');
	ctx.notes.push(
		[
			`(c) the trigger's seenTaskIds in workflow static data (PostgreSQL), 1 s after the callbacks were answered, before the redelivery to main:`,
			...staticDataLog.map((line) => `      ${line}`),
			`    trigger executions per task: ${tasks.map((t, i) => `${t.taskId.slice(-6)}=${perTask[i]}`).join(' ')}`,
			`    executions (id:task:enqueued by): ${runs.map((e) => `${e.id}:${taskOf.get(e.id)?.slice(-6)}:${enqueuedBy(ctx, e.id).join('+')}`).join(' ')}`,
		].join('\n'),
	);
	assert(runs.every((e) => e.status === 'success'), `trigger executions ${fig.statuses}`);
	assert(ranOn.length === runs.length, `worker jobs for the trigger executions: ${fig.ranOn}`);
	assert(
		perTask.every((n) => n === 1),
		`executions per task ${fig.executionsPerTask}: a redelivery through the main process started a second execution for a task the webhook process had already taken`,
	);
	assert(enqueuers.every((p) => p === 'webhook'), `enqueued by ${fig.enqueuedBy}`);
}

/** How long (d) watches the execution after the kill. */
const OBSERVE_MS = 130_000;

/** Where Bull has the job: its list and, once failed, why. */
async function bullJobState(ctx: QueueContext, jobId: string): Promise<string> {
	const redis = await connectRedis(ctx.cluster.redis);
	try {
		const [reason] = await redis.hmget(`bull:jobs:${jobId}`, 'failedReason');
		if ((await redis.zscore('bull:jobs:failed', jobId)) !== null) return `failed ("${reason ?? ''}")`;
		if ((await redis.zscore('bull:jobs:completed', jobId)) !== null) return 'completed';
		if ((await redis.call('LPOS', 'bull:jobs:active', jobId)) !== null) {
			const lock = await redis.pttl(`bull:jobs:${jobId}:lock`);
			return `active (lock ${lock > 0 ? `${Math.round(lock / 1000)} s left` : 'expired'})`;
		}
		if ((await redis.call('LPOS', 'bull:jobs:wait', jobId)) !== null) return 'waiting';
		return (await redis.exists(`bull:jobs:${jobId}`)) === 1 ? 'job hash only' : 'removed';
	} finally {
		redis.disconnect();
	}
}

/** (d) */
export async function workerCrash(ctx: QueueContext, fig: Figures): Promise<void> {
	const { rest, workers, redis } = ctx.cluster;
	const workflowId = await batchWorkflow(ctx);
	const prompts = batchPrompts('queue-d', 30, () => 25_000);
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const executionId = await startThroughWebhookProcess(ctx, workflowId, PATHS.batch, { prompts });
	const victimName = await waitFor('the batch to be polling on a worker', 60_000, () => {
		const runs = workerRuns(ctx, executionId);
		return runs.length === 1 && window.tasks().length === 30 && window.statusReads() > 0 ? runs[0] : undefined;
	}, 100);
	const victim = workers.find((w) => w.name === victimName);
	assert(victim, `no worker named ${victimName}`);
	const jobId = new RegExp(`Worker started execution ${executionId} \\(job (\\d+)\\)`).exec(victim.log())?.[1];
	const readsAtKill = window.statusReads();
	const oldPid = victim.pid;
	const killedAt = Date.now();
	const forked = victim.kill('SIGKILL');
	assert(await victim.waitForExit(5000), `${victim.name} (pid ${oldPid}) did not die on SIGKILL`);
	fig.killed = `${victim.name} pid ${oldPid} (+${forked.length} forked) ${seconds(killedAt - started)} after start, ${readsAtKill} status reads in`;

	const timeline: string[] = [];
	let last = '';
	const observe = async (): Promise<string> => {
		const summary = (await executionsOf(ctx, workflowId)).find((e) => e.id === executionId);
		const status = summary?.status ?? 'missing';
		if (status !== last) timeline.push(`+${seconds(Date.now() - killedAt)} ${status}`);
		last = status;
		return status;
	};
	await observe();
	await ctx.cluster.restart(victim);
	fig.restarted = `pid ${victim.pid}, ready +${seconds(Date.now() - killedAt)}`;
	// First final status; then keep watching until Bull's own stall detection has had its turn
	// (lock 60 s + stalled-job check every 30 s, n8n's defaults): does the status change, is it re-run?
	while (!FINAL.includes(await observe()) && Date.now() - killedAt < OBSERVE_MS) await sleep(1000);
	const finalAt = Date.now();
	const atFirstFinal = await rest.getExecution(executionId);
	fig.atFirstFinal = `${atFirstFinal.status}: "${errorMessage(atFirstFinal).slice(0, 60)}", runData ${Object.keys(atFirstFinal.data.resultData.runData).join('+') || 'none'}`;
	const bullJob = async () => (jobId ? await bullJobState(ctx, jobId) : 'no job id');
	const jobAtFinal = await bullJob();
	let jobNow = jobAtFinal;
	while (Date.now() - killedAt < OBSERVE_MS) {
		await observe();
		jobNow = await bullJob();
		if (/^(failed|removed|completed)/.test(jobNow)) break;
		await sleep(1000);
	}
	const jobEndedAt = Date.now();
	await sleep(3000); // a re-run on another worker, or a late status change, would show by now
	await observe();
	fig.timeline = timeline.join(' → ');
	const execution = await rest.getExecution(executionId);
	fig.firstFinal = `+${seconds(finalAt - killedAt)}`;
	fig.endStatus = execution.status;
	fig.bullJob = `${jobAtFinal} → ${jobNow} (+${seconds(jobEndedAt - killedAt)})`;
	fig.error = `"${errorMessage(execution).slice(0, 70)}…"`;
	fig.workerJobs = tally(workerRuns(ctx, executionId));
	const f = window.figures();
	const tasks = window.tasks();
	Object.assign(fig, { submits: f.submits, accepted: f.accepted, statusReadsAfterKill: window.statusReads() - readsAtKill, paidTwice: paidTwice(ctx, 'queue-d').length });
	const dump = JSON.stringify(execution);
	fig.taskIdsInExecution = `${tasks.filter((t) => dump.includes(t.taskId)).length}/${tasks.length}`;
	fig.nodesInRunData = Object.keys(execution.data.resultData.runData).join('+') || 'none';
	const statuses = await requestWorkerStatus(redis, { expectWorkers: 2, timeoutMs: 3000 });
	fig.workersAnswering = statuses.length;

	// Evidence for the report.
	const mention = new RegExp(`[Ee]xecution ${executionId}\\b|unfinished executions|\\bstalled\\b|[Rr]ecovery|execution ${executionId}\\)|Problem with execution`);
	ctx.notes.push(
		[
			`(d) execution ${executionId} (job ${jobId ?? '?'}) on ${victim.name}, SIGKILL pid ${oldPid}:`,
			`  status timeline after the kill: ${fig.timeline}`,
			`  Bull job ${jobId}: ${fig.bullJob}`,
			...ctx.cluster.all().flatMap((p) => logLines(p, mention).map((line) => `  ${p.name}.log: ${line.trim().slice(0, 260)}`)),
		].join('\n'),
	);

	assert(FINAL.includes(execution.status), `execution ${executionId} still '${execution.status}' ${OBSERVE_MS / 1000} s after the kill`);
	assert(workerRuns(ctx, executionId).length === 1, `execution re-run: ${fig.workerJobs}`);
	assert(f.submits === 30 && fig.paidTwice === 0, `${f.submits} submits for 30 items, ${fig.paidTwice} inputs paid twice`);
	assert(statuses.length === 2, `${statuses.length} workers answered after the restart`);
}

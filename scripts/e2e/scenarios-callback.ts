/**
 * Scenarios where APIXO (the fake) calls n8n back: the callback pair (submit workflow +
 * APIXO Trigger workflow) and resume mode (the execution waits, the callback wakes it).
 */
import { randomBytes } from 'node:crypto';
import { KLING_TYPE, nodeOfType, prepareExample, TRIGGER_TYPE, triggerName } from './examples';
import { nodeOutput } from './n8n-rest';
import {
	assert,
	compareWrittenVideos,
	describeExecution,
	FakeWindow,
	runToEnd,
	seconds,
	waitFor,
	withTimeout,
	type ScenarioContext,
} from './scenario-kit';
import type { Figures } from './scenarios-poll';

const FINAL = ['success', 'error', 'crashed', 'canceled'];

/**
 * Activating examples/callback-receive.json with a 9-character secret fails (the trigger's
 * webhook create() refuses it) and registers no webhook. n8n 2.40.7 publishes asynchronously
 * and takes ~15 s to report this failure, so run.ts starts this check first and reads it last.
 */
export async function weakTokenRefused(ctx: ScenarioContext, fig: Figures): Promise<void> {
	const { rest } = ctx.n8n;
	const weak = prepareExample('callback-receive.json', ctx.env, { trigger: { secretToken: 'too-short' } });
	const trigger = nodeOfType(weak, TRIGGER_TYPE);
	trigger.webhookId = 'e2e-weak-token'; // its own path: the real receiver uses the example's
	weak.name += ' (weak token)';
	const saved = await rest.importWorkflow(weak);
	const started = Date.now();
	const outcome = await rest.activateWorkflow(saved.id, 60_000).then(
		() => 'published',
		(error: Error) => error.message,
	);
	fig.time = seconds(Date.now() - started);
	// 2.x publishes in the background and reports the refusal in the publication status;
	// 1.x registers the trigger inside the activation call, which answers 400.
	const refusal = rest.n8nMajor < 2 ? /HTTP 400: .*at least 16 characters/ : /failed.*at least 16 characters/;
	assert(refusal.test(outcome), `activation with a 9-character token: ${outcome.slice(0, 300)}`);
	fig[rest.n8nMajor < 2 ? 'activation' : 'publication'] = 'failed: "The Secret Token must be at least 16 characters"';
	const call = await rest.callWebhook(`${trigger.webhookId}/apixo?token=too-short`, { body: {} });
	assert(call.status === 404, `its webhook answered ${call.status}, expected 404 (not registered)`);
	fig.webhook = '404';
	fig.executions = (await rest.listExecutions({ workflowId: saved.id })).length;
	assert(fig.executions === 0, `${fig.executions} executions`);
}

/**
 * (b) examples/callback-receive.json activated with a secret token, then
 * examples/callback-submit.json with the trigger's production URL + token. The fake
 * delivers every callback twice: the trigger workflow must run exactly once.
 */
export async function callbackPair(ctx: ScenarioContext, fig: Figures): Promise<void> {
	const { rest } = ctx.n8n;
	const token = randomBytes(18).toString('base64url');

	const receive = prepareExample('callback-receive.json', ctx.env, { trigger: { secretToken: token } });
	const trigger = nodeOfType(receive, TRIGGER_TYPE);
	const receiver = await rest.importWorkflow(receive);
	await rest.activateWorkflow(receiver.id);
	const hookUrl = ctx.n8n.webhookUrl(`${trigger.webhookId}/apixo`);

	// The trigger's guards, before anything is paid: no token → 403, not a task → 400.
	const someTask = { code: 200, message: 'success', data: { taskId: 'task_forged', state: 'success', createTime: 1 } };
	const forbidden = await rest.callWebhook(`${hookUrl}?token=not-the-token-at-all`, { body: someTask });
	const invalid = await rest.callWebhook(`${hookUrl}?token=${token}`, { body: { hello: 'world' } });
	assert(forbidden.status === 403 && invalid.status === 400, `guards answered ${forbidden.status}/${invalid.status}, expected 403/400`);
	fig.guards = '403/400';

	const submit = prepareExample('callback-submit.json', ctx.env, {
		kling: { callbackUrl: `${hookUrl}?token=${token}` },
		klingOptions: { allowPrivateCallbackUrl: true },
	});
	const submitter = await rest.importWorkflow(submit);
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const submitted = await runToEnd(ctx, submitter.id, triggerName(submit));
	assert(submitted.status === 'success', `submit execution ${describeExecution(submitted)}`);
	const [item] = nodeOutput(submitted, nodeOfType(submit, KLING_TYPE).name) as Array<Record<string, unknown>>;
	const [task] = window.tasks();
	assert(task && item?.state === 'submitted' && item.taskId === task.taskId, `submit output ${JSON.stringify(item)}`);
	assert(task.callback_url === `${hookUrl}?token=${token}`, `callback_url sent: ${task.callback_url}`);

	// The fake posts when the render ends, retries a non-2xx, and posts once more after a 2xx.
	await withTimeout(ctx.fake.callbacksSettled(), 30_000, 'the callback deliveries');
	const answers = ctx.fake.stats.callbacks
		.filter((c) => c.taskId === task.taskId)
		.map((c) => `${c.redelivery ? 'again:' : ''}${c.status}`)
		.join(',');
	assert(answers === '200,again:200', `the trigger answered the callback and its redelivery ${answers}, expected 200,again:200`);
	const runs = await waitFor('the trigger workflow to finish', 30_000, async () => {
		const list = await rest.listExecutions({ workflowId: receiver.id });
		return list.length > 0 && list.every((e) => FINAL.includes(e.status)) ? list : undefined;
	});
	fig.time = seconds(Date.now() - started);
	await new Promise((resolve) => setTimeout(resolve, 1000)); // a late duplicate would show up by now
	const executions = await rest.listExecutions({ workflowId: receiver.id });
	Object.assign(fig, window.figures());
	fig.executions = `${executions.length} trigger + 1 submit`;
	assert(executions.length === 1, `${executions.length} trigger executions for one task delivered twice: ${executions.map((e) => `${e.id}:${e.status}`).join(', ')}`);
	assert(fig.submits === 1 && fig.statusReads === 0, `${fig.submits} submits, ${fig.statusReads} status reads (expected 1, 0)`);

	const execution = await rest.getExecution(runs[0].id);
	assert(execution.status === 'success' && execution.mode === 'webhook', `trigger execution ${execution.mode} ${describeExecution(execution)}`);
	const items = nodeOutput(execution, trigger.name) as Array<Record<string, unknown>>;
	assert(
		items.length === 1 && items[0].taskId === task.taskId && items[0].state === 'success' && items[0].videoUrl === task.resultUrls[0],
		`trigger output ${JSON.stringify(items).slice(0, 400)}`,
	);
	assert((nodeOutput(execution, 'Save video') as unknown[]).length === 1, 'Save video did not write one file');
	fig.files = `1 (${await compareWrittenVideos(ctx, [task])} B, byte-identical)`;
}

/**
 * (c) examples/resume-mode.json: the execution waits (n8n's REST API says `waiting`, the fake
 * is still rendering and has had no status read), then APIXO's callback to the resume URL
 * finishes it with the video written, after one status read that confirms the callback.
 */
export async function resumeMode(ctx: ScenarioContext, fig: Figures): Promise<void> {
	const { rest } = ctx.n8n;
	// This n8n listens on loopback, so its resume URL is private: a real one is public https.
	const workflow = prepareExample('resume-mode.json', ctx.env, { klingOptions: { allowPrivateCallbackUrl: true } });
	const kling = nodeOfType(workflow, KLING_TYPE).name;
	const saved = await rest.importWorkflow(workflow);
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const run = await rest.runWorkflowManually(saved.id, triggerName(workflow));
	assert(run.executionId, `run gave no executionId: ${JSON.stringify(run)}`);
	const executionId = run.executionId;

	const waiting = await rest.waitForExecution(executionId, ['waiting', ...FINAL], 20_000);
	const [task] = window.tasks();
	const seenWaitingAt = Date.now();
	const readsWhileWaiting = window.statusReads();
	assert(task, `no task submitted; execution ${describeExecution(waiting)}`);
	fig.waiting = `${seconds(seenWaitingAt - started)} after run, ${seconds(task.readyAt - seenWaitingAt)} before the render ended`;
	assert(waiting.status === 'waiting', `execution ${executionId} ${describeExecution(waiting)}, expected waiting`);
	assert(seenWaitingAt < task.readyAt, `the task was already rendered when n8n showed 'waiting'`);
	assert(readsWhileWaiting === 0, `${readsWhileWaiting} status reads while the execution was waiting`);
	assert(task.callback_url?.includes(`/webhook-waiting/${executionId}`), `callback_url ${task.callback_url}`);

	let done;
	try {
		done = await rest.waitForExecution(executionId, FINAL, 30_000);
	} catch (error) {
		const late = await rest.getExecution(executionId).catch(() => undefined);
		const calls = ctx.fake.stats.callbacks.filter((c) => c.taskId === task.taskId).map((c) => c.status);
		throw new Error(`${(error as Error).message}; callbacks answered ${calls.join(',') || 'none'}; now ${late?.status}`);
	}
	fig.time = seconds(Date.now() - started);
	await withTimeout(ctx.fake.callbacksSettled(), 10_000, 'the redelivery');
	Object.assign(fig, window.figures());
	fig.executions = (await rest.listExecutions({ workflowId: saved.id })).length;
	assert(done.status === 'success', `execution ${executionId} ${describeExecution(done)}`);
	// One read after the callback: APIXO signs nothing, so the node confirms the task itself.
	assert(fig.submits === 1 && fig.statusReads === 1, `${fig.submits} submits, ${fig.statusReads} status reads (expected 1, 1)`);
	assert(fig.executions === 1, `${fig.executions} executions, expected 1`);
	const items = nodeOutput(done, kling) as Array<Record<string, unknown>>;
	assert(items.length === 1 && items[0].taskId === task.taskId && items[0].state === 'success', `${kling} output ${JSON.stringify(items).slice(0, 400)}`);
	assert((nodeOutput(done, 'Save video') as unknown[]).length === 1, 'Save video did not write one file');
	fig.files = `1 (${await compareWrittenVideos(ctx, [task])} B, byte-identical)`;
}

import type { FakeApixo } from '../fake-apixo';
import type { RunResult } from '../harness';
import {
	WebhookServer,
	readBinary,
	resumeAfterWaitLimit,
	resumeWorkflow,
	runWorkflow,
	singleNodeWorkflow,
} from '../harness';
import { FAST_OPTIONS, KLING_NODE_NAME, KLING_TYPE, TEST_API_KEY, errorText, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
let server: WebhookServer;
beforeEach(async () => (server = await WebhookServer.start()));
afterEach(async () => {
	await fake.close();
	await server.close();
});

/** The webhook server is on loopback: a real resume URL would be public https. */
const RESUME_OPTIONS = { ...FAST_OPTIONS, allowPrivateCallbackUrl: true };

function resumeWorkflowOf(items: object[], options: object, onError?: 'continueRegularOutput' | 'continueErrorOutput') {
	const workflow = singleNodeWorkflow(
		{
			name: KLING_NODE_NAME,
			type: KLING_TYPE,
			parameters: textToVideo({
				prompt: '={{ $json.prompt }}',
				waitMode: 'resume',
				options: { ...RESUME_OPTIONS, ...options },
			}),
			...(onError && { onError }),
		},
		items as never,
		'apixoApi',
	);
	return { ...workflow, credentials: { apixoApi: { apiKey: TEST_API_KEY, baseUrl: fake.baseUrl } } };
}

async function runResumeMode(
	items: object[],
	options: object = {},
	onError?: 'continueRegularOutput' | 'continueErrorOutput',
): Promise<RunResult> {
	return await server.run(resumeWorkflowOf(items, options, onError));
}

describe('Wait Mode "Resume on Callback"', () => {
	it('pauses the execution, reads no status while APIXO renders, and resumes with the video', async () => {
		fake = await startFake({ taskDurationMs: 400 });
		const paused = await runResumeMode([{ prompt: 'a lighthouse at dawn' }]);
		expect(paused.status).toBe('waiting');
		const [task] = [...fake.tasks.values()];
		expect(task.request_type).toBe('callback');
		// The resume URL exactly as n8n gives it, signature included, and nothing more.
		expect(task.callback_url).toBe(paused.resumeUrl);
		expect(paused.output(KLING_NODE_NAME)[0].json).toMatchObject({ taskId: task.taskId, state: 'submitted' });
		expect(fake.stats.statusReads).toBe(0);

		const resumed = await server.resumed(paused);
		expect(resumed.status).toBe('success');
		const [item] = resumed.output(KLING_NODE_NAME);
		expect(item.json).toMatchObject({
			taskId: task.taskId,
			mode: 'text-to-video',
			state: 'success',
			videoUrl: task.resultUrls[0],
			billedSeconds: 5,
			estimatedCostUsd: 0.42,
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect((await readBinary(item)).subarray(4, 8).toString()).toBe('ftyp');
		expect(fake.stats.submits).toBe(1);
	});

	it('continues only when every task is final, whatever order they finish in, each video paired to its item', async () => {
		// The last-submitted task finishes first, the first one last.
		fake = await startFake({ taskDurationMs: (_, index) => 900 - index * 200 });
		const paused = await runResumeMode([{ prompt: 'one' }, { prompt: 'two' }, { prompt: 'three' }, { prompt: 'four' }]);
		const tasks = [...fake.tasks.values()];
		expect(tasks.map((task) => task.request_type)).toEqual(['callback', 'callback', 'callback', 'callback']);
		expect(new Set(tasks.map((task) => task.callback_url))).toEqual(new Set([paused.resumeUrl]));
		const resumed = await server.resumed(paused);
		const items = resumed.output(KLING_NODE_NAME);
		expect(items.map((item) => item.json.taskId)).toEqual(tasks.map((task) => task.taskId));
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(items.map((item) => item.json.state)).toEqual(['success', 'success', 'success', 'success']);
		expect(fake.stats.downloads).toBe(4);
		expect(fake.stats.submits).toBe(4);
		// Earlier callbacks found a task still rendering and left the execution waiting.
		await fake.callbacksSettled();
		const answered = fake.stats.callbacks.filter((call) => call.status === 200).length;
		expect(answered).toBe(4);
	});

	it('keeps the callback URL short for a large batch: 200 items, one URL under 2 KB, 200 paired videos', async () => {
		fake = await startFake({ taskDurationMs: (_, index) => 300 + (index % 7) * 30 });
		const items = Array.from({ length: 200 }, (_, index) => ({ prompt: `shot ${index}` }));
		const paused = await runResumeMode(items, { maxConcurrency: 50, download: false });
		const urls = new Set([...fake.tasks.values()].map((task) => task.callback_url!));
		expect(urls.size).toBe(1);
		expect([...urls][0].length).toBeLessThan(2048);
		const resumed = await server.resumed(paused);
		const output = resumed.output(KLING_NODE_NAME);
		expect(output).toHaveLength(200);
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(output.every((item) => item.json.state === 'success')).toBe(true);
		expect(fake.stats.submits).toBe(200);
	});

	it('refuses a resume URL APIXO cannot reach before paying, and names the fix', async () => {
		fake = await startFake();
		const result = await runResumeMode([{ prompt: 'local' }], { allowPrivateCallbackUrl: false });
		expect(result.status).toBe('error');
		expect(errorText(result)).toMatch(/APIXO cannot reach this n8n’s resume URL[\s\S]*WEBHOOK_URL[\s\S]*Allow Private URLs/);
		expect(fake.stats.submits).toBe(0);
	});

	it('resumes once when APIXO delivers the callback twice', async () => {
		fake = await startFake({ taskDurationMs: 200, deliverCallbacksTwice: true });
		const paused = await runResumeMode([{ prompt: 'once' }]);
		const resumed = await server.resumed(paused);
		await fake.callbacksSettled();
		expect(resumed.status).toBe('success');
		expect(fake.stats.callbacks.map((call) => call.status)).toEqual([200, 409]);
	});

	it('does not gather again for a callback redelivered before n8n marks the execution running', async () => {
		fake = await startFake({ taskDurationMs: 60_000 });
		// Not behind the webhook server: the callbacks below are the only calls to the resume URL.
		const paused = await runWorkflow(resumeWorkflowOf([{ prompt: 'p' }], {}));
		const [task] = [...fake.tasks.values()];
		fake.completeNow(task.taskId);
		const payload = { code: 200, message: 'success', data: { taskId: task.taskId, state: 'success', resultJson: JSON.stringify({ resultUrls: task.resultUrls }) } };
		// n8n still sees the execution waiting until webhook() returns: both calls reach the node.
		const first = await resumeWorkflow(paused, payload, { url: task.callback_url });
		const again = await resumeWorkflow(paused, payload, { url: task.callback_url });
		expect(first.resumed).toBe(true);
		expect(again.resumed).toBe(false);
		expect(again.response.body).toMatchObject({ resumed: false, reason: 'duplicate delivery' });
		expect(fake.stats.downloads).toBe(1);
	});

	it('trusts no callback: a forged "success" for a task still rendering continues nothing and downloads nothing', async () => {
		fake = await startFake({ taskDurationMs: 60_000 });
		const paused = await runWorkflow(resumeWorkflowOf([{ prompt: 'p' }], {}));
		const [task] = [...fake.tasks.values()];
		const forged = { code: 200, message: 'success', data: { taskId: task.taskId, state: 'success', resultJson: JSON.stringify({ resultUrls: ['https://attacker.example/x.mp4'] }) } };
		const call = await resumeWorkflow(paused, forged, { url: task.callback_url });
		expect(call.resumed).toBe(false);
		expect(call.response.body).toMatchObject({ resumed: false, reason: 'waiting for 1 more task(s)' });
		expect(fake.stats.downloads).toBe(0);
		const stranger = await resumeWorkflow(paused, { ...forged, data: { ...forged.data, taskId: 'task_not_ours' } }, { url: task.callback_url });
		expect(stranger.response.statusCode).toBe(400);
	});

	it('answers 503 when a status read fails, so APIXO delivers again, and then continues', async () => {
		fake = await startFake({ taskDurationMs: 200, callbackRetryDelayMs: 100 });
		fake.inject({ on: 'status', kind: 'http', status: 500, times: 1 });
		const paused = await runResumeMode([{ prompt: 'retry me' }], { pollInterval: 0.01 });
		const resumed = await server.resumed(paused);
		await fake.callbacksSettled();
		expect(resumed.status).toBe('success');
		expect(fake.stats.callbacks.map((call) => call.status)).toEqual([503, 200]);
		expect(resumed.output(KLING_NODE_NAME)[0].json.state).toBe('success');
	});

	it('gives a failed task as an item: n8n cannot fail an execution from its resume call', async () => {
		fake = await startFake({ taskDurationMs: 200, outcome: () => ({ failCode: 'CONTENT_VIOLATION' }) });
		const paused = await runResumeMode([{ prompt: 'bad' }]);
		const resumed = await server.resumed(paused);
		expect(resumed.status).toBe('success');
		expect(resumed.output(KLING_NODE_NAME)[0].json).toMatchObject({
			taskId: [...fake.tasks.keys()][0],
			state: 'failed',
			failCode: 'CONTENT_VIOLATION',
			error: expect.stringContaining('CONTENT_VIOLATION'),
		});
	});

	it('sends a failed task of a batch to the error output when the node has one', async () => {
		fake = await startFake({
			taskDurationMs: 200,
			outcome: (input) => (input.prompt === 'bad' ? { failCode: 'INVALID_PARAMETER' } : undefined),
		});
		const paused = await runResumeMode([{ prompt: 'bad' }, { prompt: 'good' }], {}, 'continueErrorOutput');
		const resumed = await server.resumed(paused);
		const [main, errors] = resumed.run.data.resultData.runData[KLING_NODE_NAME].at(-1)!.data!.main;
		expect(main!.map((item) => item.json.state)).toEqual(['success']);
		expect(errors!.map((item) => item.json)).toEqual([
			{ prompt: 'bad', error: expect.stringContaining('INVALID_PARAMETER'), details: expect.objectContaining({ failCode: 'INVALID_PARAMETER' }) },
		]);
	});

	it('accounts for every input item when a submit is refused: the others are waited for', async () => {
		fake = await startFake({ taskDurationMs: 200 });
		const paused = await runResumeMode([{ prompt: 'first' }, { prompt: '' }, { prompt: 'third' }], {}, 'continueRegularOutput');
		expect(paused.status).toBe('waiting');
		const resumed = await server.resumed(paused);
		const items = resumed.output(KLING_NODE_NAME);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items.map((item) => item.json.state)).toEqual(['success', expect.any(String), 'success']);
		expect(items[1].json.error).toMatch(/Item 2/);
		expect(fake.stats.submits).toBe(2);
	});

	it('ends a wait without callbacks as timeout items carrying their task IDs, never as the input items', async () => {
		fake = await startFake({ outcome: () => ({ neverFinishes: true }) });
		const before = Date.now();
		const paused = await runResumeMode([{ prompt: 'never' }, { prompt: 'ever' }], { timeout: 120 });
		expect(paused.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 120_000);
		expect(paused.waitTill!.getTime()).toBeLessThan(Date.now() + 121_000);
		const taskIds = [...fake.tasks.keys()];

		const afterLimit = await resumeAfterWaitLimit(paused);
		expect(afterLimit.status).toBe('success');
		const items = afterLimit.output(KLING_NODE_NAME);
		expect(items.map((item) => item.json)).toEqual(
			taskIds.map((taskId) => expect.objectContaining({ taskId, state: 'timeout', message: expect.stringContaining('Task → Wait') })),
		);
		expect(items.some((item) => 'prompt' in item.json)).toBe(false);
		// The earlier node's output is untouched.
		expect(afterLimit.output('Start').map((item) => item.json)).toEqual([{ prompt: 'never' }, { prompt: 'ever' }]);
	});

	it('waits an hour for callbacks when no Timeout is set', async () => {
		fake = await startFake({ outcome: () => ({ neverFinishes: true }) });
		const { timeout: _unset, ...options } = RESUME_OPTIONS;
		const before = Date.now();
		const workflow = resumeWorkflowOf([{ prompt: 'p' }], {});
		(workflow.nodes[1].parameters.options as Record<string, unknown>) = options;
		const paused = await server.run(workflow);
		expect(paused.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
		expect(paused.waitTill!.getTime()).toBeLessThan(Date.now() + 3_601_000);
	});
});

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
import { FAST_OPTIONS, KLING_NODE_NAME, KLING_TYPE, TEST_API_KEY, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
let server: WebhookServer;
beforeEach(async () => (server = await WebhookServer.start()));
afterEach(async () => {
	await fake.close();
	await server.close();
});

async function runResumeMode(
	items: object[],
	options: object = {},
	onError?: 'continueRegularOutput' | 'continueErrorOutput',
): Promise<RunResult> {
	const workflow = singleNodeWorkflow(
		{
			name: KLING_NODE_NAME,
			type: KLING_TYPE,
			parameters: textToVideo({
				prompt: '={{ $json.prompt }}',
				waitMode: 'resume',
				options: { ...FAST_OPTIONS, ...options },
			}),
			...(onError && { onError }),
		},
		items as never,
		'apixoApi',
	);
	return await server.run({
		...workflow,
		credentials: { apixoApi: { apiKey: TEST_API_KEY, baseUrl: fake.baseUrl } },
	});
}

describe('Wait Mode "Resume on Callback"', () => {
	it('pauses the execution, reads no status while APIXO renders, and resumes with the video', async () => {
		fake = await startFake({ taskDurationMs: 400 });
		const paused = await runResumeMode([{ prompt: 'a lighthouse at dawn' }]);
		expect(paused.status).toBe('waiting');
		const [task] = [...fake.tasks.values()];
		expect(task.request_type).toBe('callback');
		// The resume URL exactly as n8n gives it, signature included, plus the batch it wakes.
		const callbackUrl = new URL(task.callback_url!);
		const resumeUrl = new URL(paused.resumeUrl!);
		expect(callbackUrl.origin + callbackUrl.pathname).toBe(resumeUrl.origin + resumeUrl.pathname);
		expect(callbackUrl.searchParams.get('signature')).toBe(resumeUrl.searchParams.get('signature'));
		expect(paused.output(KLING_NODE_NAME)[0].json).toMatchObject({ taskId: task.taskId, state: 'submitted' });

		const resumed = await server.resumed(paused);
		expect(fake.stats.statusReads).toBe(0);
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

	it('wakes once for a batch and gathers every video, each paired to its item', async () => {
		fake = await startFake({ taskDurationMs: (_, index) => 300 + index * 50 });
		const paused = await runResumeMode([{ prompt: 'one' }, { prompt: 'two' }, { prompt: 'three' }]);
		expect(paused.status).toBe('waiting');
		const tasks = [...fake.tasks.values()];
		expect(tasks.map((task) => task.request_type)).toEqual(['async', 'async', 'callback']);
		const resumed = await server.resumed(paused);
		const items = resumed.output(KLING_NODE_NAME);
		expect(items.map((item) => item.json.taskId)).toEqual(tasks.map((task) => task.taskId));
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items.every((item) => item.json.state === 'success')).toBe(true);
		expect(fake.stats.submits).toBe(3);
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
		const workflow = singleNodeWorkflow(
			{ name: KLING_NODE_NAME, type: KLING_TYPE, parameters: textToVideo({ waitMode: 'resume', options: FAST_OPTIONS }) },
			[{}],
			'apixoApi',
		);
		// Not behind the webhook server: the callbacks below are the only calls to the resume URL.
		const paused = await runWorkflow({ ...workflow, credentials: { apixoApi: { apiKey: TEST_API_KEY, baseUrl: fake.baseUrl } } });
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
			{
				prompt: 'bad',
				error: expect.stringContaining('INVALID_PARAMETER'),
				details: expect.objectContaining({ failCode: 'INVALID_PARAMETER' }),
			},
		]);
	});

	it('waits no longer than the wait limit; the task IDs stay in the execution for Task → Wait', async () => {
		fake = await startFake({ outcome: () => ({ neverFinishes: true }) });
		const before = Date.now();
		const paused = await runResumeMode([{ prompt: 'never' }, { prompt: 'ever' }], { timeout: 120 });
		expect(paused.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 120_000);
		expect(paused.waitTill!.getTime()).toBeLessThan(Date.now() + 121_000);
		const taskIds = [...fake.tasks.keys()];
		expect(paused.run.data.resultData.metadata).toEqual({ apixoTaskIds: taskIds.join(',') });

		const afterLimit = await resumeAfterWaitLimit(paused);
		expect(afterLimit.status).toBe('success');
		expect(afterLimit.output(KLING_NODE_NAME).map((item) => item.json)).toEqual([{ prompt: 'never' }, { prompt: 'ever' }]);
		expect(afterLimit.run.data.resultData.metadata).toEqual({ apixoTaskIds: taskIds.join(',') });
	});
});

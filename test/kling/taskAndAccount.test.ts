import type { FakeApixo } from '../fake-apixo';
import { readBinary } from '../harness';
import { errorText, klingOutput, runKling, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
afterEach(async () => await fake.close());

async function submitWithoutWaiting(count = 1): Promise<string[]> {
	const result = await runKling(fake, {
		parameters: textToVideo({ prompt: '={{ $json.prompt }}', waitMode: 'none' }),
		items: Array.from({ length: count }, (_, i) => ({ prompt: `video ${i}` })),
	});
	return klingOutput(result).map((item) => String(item.json.taskId));
}

describe('Task → Wait picks up tasks submitted earlier', () => {
	it('waits for several tasks side by side and returns their videos, downloaded', async () => {
		fake = await startFake({ taskDurationMs: 500 });
		const taskIds = await submitWithoutWaiting(3);
		const result = await runKling(fake, {
			parameters: { resource: 'task', operation: 'wait', taskId: '={{ $json.taskId }}' },
			items: taskIds.map((taskId) => ({ taskId })),
		});
		expect(result.status).toBe('success');
		const items = klingOutput(result);
		expect(items.map((item) => item.json.taskId)).toEqual(taskIds);
		expect(items.map((item) => item.json.state)).toEqual(['success', 'success', 'success']);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect((await readBinary(items[0])).subarray(4, 8).toString()).toBe('ftyp');
		expect(fake.stats.submits).toBe(3);
	});

	it('reads at once, without the first-poll delay of a fresh submit', async () => {
		fake = await startFake({ taskDurationMs: 50 });
		const [taskId] = await submitWithoutWaiting();
		await new Promise((resolve) => setTimeout(resolve, 100));
		const result = await runKling(fake, {
			parameters: { resource: 'task', operation: 'wait', taskId, options: { firstPollDelay: 30, download: false } },
		});
		expect(result.status).toBe('success');
		expect(fake.stats.statusReadsByTask.get(taskId)).toBe(1);
	});

	it('reports a failed task like a video operation does', async () => {
		fake = await startFake({ outcome: () => ({ failCode: 'INVALID_IMAGE_URL' }) });
		const [taskId] = await submitWithoutWaiting();
		const result = await runKling(fake, {
			parameters: { resource: 'task', operation: 'wait', taskId },
			continueOnFail: true,
		});
		expect(klingOutput(result)[0].json).toMatchObject({ taskId, failCode: 'INVALID_IMAGE_URL', state: 'failed' });
	});

	it('refuses an empty task ID before any request', async () => {
		fake = await startFake();
		const result = await runKling(fake, {
			parameters: { resource: 'task', operation: 'wait', taskId: '={{ $json.nothing ?? "" }}' },
		});
		expect(errorText(result)).toMatch(/^Item 1: Task ID is required/);
		expect(fake.stats.requests).toBe(0);
	});
});

describe('Task → Get reads a task once', () => {
	it('gives the state of a task still rendering, with one status read', async () => {
		fake = await startFake({ taskDurationMs: 60_000 });
		const [taskId] = await submitWithoutWaiting();
		const result = await runKling(fake, { parameters: { resource: 'task', operation: 'get', taskId } });
		expect(klingOutput(result)[0].json).toEqual({ taskId, model: 'kling-3-0-std', state: expect.stringMatching(/pending|processing/) });
		expect(fake.stats.statusReads).toBe(1);
	});

	it('gives the videos of a finished task', async () => {
		fake = await startFake({ taskDurationMs: 10 });
		const [taskId] = await submitWithoutWaiting();
		await new Promise((resolve) => setTimeout(resolve, 50));
		const result = await runKling(fake, { parameters: { resource: 'task', operation: 'get', taskId } });
		const [item] = klingOutput(result);
		expect(item.json).toMatchObject({ taskId, state: 'success', videoIndex: 0 });
		expect(item.binary?.data.fileName).toBe(`${taskId}.mp4`);
	});

	it('gives a failed task’s code as data: the read itself worked', async () => {
		fake = await startFake({ taskDurationMs: 10, outcome: () => ({ failCode: 'CONTENT_VIOLATION' }) });
		const [taskId] = await submitWithoutWaiting();
		await new Promise((resolve) => setTimeout(resolve, 50));
		const result = await runKling(fake, { parameters: { resource: 'task', operation: 'get', taskId } });
		expect(result.status).toBe('success');
		expect(klingOutput(result)[0].json).toMatchObject({ taskId, state: 'failed', failCode: 'CONTENT_VIOLATION' });
	});

	it('retries a passing fault on the read', async () => {
		fake = await startFake({ taskDurationMs: 60_000 });
		const [taskId] = await submitWithoutWaiting();
		fake.inject({ on: 'status', kind: 'http', status: 502 });
		const result = await runKling(fake, { parameters: { resource: 'task', operation: 'get', taskId } });
		expect(result.status).toBe('success');
		expect(fake.stats.statusReads).toBe(2);
	});

	it('says so when APIXO does not know the task', async () => {
		fake = await startFake();
		const result = await runKling(fake, { parameters: { resource: 'task', operation: 'get', taskId: 'task_unknown' } });
		expect(errorText(result)).toMatch(/Could not read task task_unknown: APIXO does not know this task/);
	});
});

describe('Account → Get Balance', () => {
	it('reads the balance without creating a task', async () => {
		fake = await startFake({ balance: 12.5 });
		const result = await runKling(fake, { parameters: { resource: 'account', operation: 'getBalance' } });
		expect(klingOutput(result)[0].json).toEqual({ balanceUsd: 12.5 });
		expect(fake.stats.balanceReads).toBe(1);
		expect(fake.stats.submits).toBe(0);
	});

	it('explains a wrong key', async () => {
		fake = await startFake();
		const result = await runKling(fake, {
			parameters: { resource: 'account', operation: 'getBalance' },
			apiKey: 'not-the-key',
		});
		expect(errorText(result)).toMatch(/Missing or invalid API key/);
	});
});

import type { INode } from 'n8n-workflow';

import type { FakeApixo } from '../fake-apixo';
import { retryExecution, runWorkflow, singleNodeWorkflow } from '../harness';
import { FAST_OPTIONS, KLING_NODE_NAME, KLING_TYPE, TEST_API_KEY, errorText, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
afterEach(async () => await fake.close());

/** Start → Kling with n8n's node setting "Retry On Fail" (and whatever else a test adds). */
async function runWithRetries(items: object[], nodeSettings: Partial<INode> = {}, options: object = {}) {
	const workflow = singleNodeWorkflow(
		{
			name: KLING_NODE_NAME,
			type: KLING_TYPE,
			parameters: textToVideo({ prompt: '={{ $json.prompt }}', options: { ...FAST_OPTIONS, ...options } }),
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 0,
			...nodeSettings,
		},
		items as never,
		'apixoApi',
	);
	return await runWorkflow({ ...workflow, credentials: { apixoApi: { apiKey: TEST_API_KEY, baseUrl: fake.baseUrl } } });
}

const submitsOf = (prompt: string) => [...fake.tasks.values()].filter((task) => task.input.prompt === prompt).length;

describe('n8n running the node again never pays twice', () => {
	it('Retry On Fail (3 tries): the item that rendered is paid once, the failed one is tried again', async () => {
		fake = await startFake({ outcome: (input) => (input.prompt === 'bad' ? { failCode: 'CONTENT_VIOLATION' } : undefined) });
		const result = await runWithRetries([{ prompt: 'good' }, { prompt: 'bad' }]);
		expect(result.status).toBe('error');
		expect(errorText(result)).toContain('CONTENT_VIOLATION');
		expect(submitsOf('good')).toBe(1);
		expect(submitsOf('bad')).toBe(3);
	});

	it('Retry On Fail: the retry that succeeds returns the first try’s video for the item already paid', async () => {
		let badTries = 0;
		fake = await startFake({
			outcome: (input) => (input.prompt === 'flaky' && ++badTries < 2 ? { failCode: 'UPSTREAM_ERROR' } : undefined),
		});
		const result = await runWithRetries([{ prompt: 'good' }, { prompt: 'flaky' }]);
		expect(result.status).toBe('success');
		const items = result.output(KLING_NODE_NAME);
		const goodTask = [...fake.tasks.values()].find((task) => task.input.prompt === 'good')!;
		expect(items.map((item) => item.json.state)).toEqual(['success', 'success']);
		expect(items[0].json.taskId).toBe(goodTask.taskId);
		expect(submitsOf('good')).toBe(1);
		expect(submitsOf('flaky')).toBe(2);
	});

	it('Retry On Fail never resends a submit whose outcome is unknown (a 504 after APIXO took it)', async () => {
		fake = await startFake();
		fake.inject({ on: 'submit', kind: 'http', status: 504, acceptAnyway: true });
		const result = await runWithRetries([{ prompt: 'maybe' }]);
		expect(result.status).toBe('error');
		expect(errorText(result)).toMatch(/may have been charged|Unknown whether APIXO accepted/);
		expect(fake.stats.submits).toBe(1);
		expect(fake.tasks.size).toBe(1);
	});

	it('Retry On Fail sends again a submit APIXO surely refused (402), once the reason is gone', async () => {
		fake = await startFake({ balance: 0 });
		// The first try meets an empty balance; the balance is topped up before n8n's second try.
		const topUp = setTimeout(() => fake.setBalance(100), 150);
		const result = await runWithRetries([{ prompt: 'topped up' }], { waitBetweenTries: 400 });
		clearTimeout(topUp);
		expect(result.status).toBe('success');
		expect(fake.stats.submits).toBe(2);
		expect(fake.tasks.size).toBe(1);
	});

	it('a retry of the failed execution from the executions list reuses the tasks already paid for', async () => {
		fake = await startFake({ outcome: (input) => (input.prompt === 'bad' ? { failCode: 'CONTENT_VIOLATION' } : undefined) });
		const failed = await runWithRetries([{ prompt: 'good' }, { prompt: 'bad' }], { retryOnFail: false });
		expect(failed.status).toBe('error');
		expect(fake.tasks.size).toBe(2);

		const retried = await retryExecution(failed);
		expect(retried.status).toBe('error');
		expect(submitsOf('good')).toBe(1);
		expect(submitsOf('bad')).toBe(2);
		expect(errorText(retried)).toContain([...fake.tasks.values()].find((task) => task.input.prompt === 'good')!.taskId);
	});

	it('a retry of the failed execution never resends a submit whose outcome was unknown, and says so', async () => {
		fake = await startFake({ outcome: (input) => (input.prompt === 'bad' ? { failCode: 'CONTENT_VIOLATION' } : undefined) });
		fake.inject({ on: 'submit', kind: 'http', status: 504, acceptAnyway: true });
		const failed = await runWithRetries([{ prompt: 'unknown' }, { prompt: 'good' }], { retryOnFail: false, maxTries: 1 });
		expect(failed.status).toBe('error');
		const retried = await retryExecution(failed);
		expect(fake.stats.submits).toBe(2);
		expect(retried.status).toBe('error');
		expect(errorText(retried)).toMatch(/Not sent again/);
	});
});

import type { FakeApixo, Fault } from '../fake-apixo';
import { portThatOpensLater } from '../support/portThatOpensLater';
import { errorText, klingOutput, runKling, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
afterEach(async () => await fake.close());

const noDownload = textToVideo({ options: { download: false } });
const onlyTask = () => [...fake.tasks.values()][0];

describe('status reads are retried until the deadline, never failing an item early', () => {
	it.each<[string, Fault]>([
		['429 with Retry-After', { on: 'status', kind: 'http', status: 429, retryAfterSeconds: 0, times: 3 }],
		['500', { on: 'status', kind: 'http', status: 500, times: 3 }],
		['502', { on: 'status', kind: 'http', status: 502, times: 3 }],
		['503', { on: 'status', kind: 'http', status: 503, times: 3 }],
		['504', { on: 'status', kind: 'http', status: 504, times: 3 }],
		['connection resets', { on: 'status', kind: 'reset', times: 3 }],
		['malformed JSON', { on: 'status', kind: 'malformedJson', times: 3 }],
		['answers slower than the request timeout', { on: 'status', kind: 'delay', ms: 600, times: 2 }],
	])('survives %s on status reads', async (_, fault) => {
		fake = await startFake();
		fake.inject(fault);
		const result = await runKling(fake, {
			parameters: textToVideo({ options: { download: false, requestTimeout: 0.3 } }),
		});
		expect(result.status).toBe('success');
		expect(klingOutput(result)[0].json.state).toBe('success');
		expect(fake.stats.submits).toBe(1);
		expect(fake.stats.statusReads).toBeGreaterThanOrEqual(3);
	});

	it('waits as long as Retry-After says', async () => {
		fake = await startFake({ taskDurationMs: 50 });
		fake.inject({ on: 'status', kind: 'http', status: 429, retryAfterSeconds: 1 });
		const result = await runKling(fake, { parameters: noDownload });
		expect(result.status).toBe('success');
		const reads = fake.stats.statusReads;
		expect(reads).toBe(2);
	});
});

describe('never pay twice: submits', () => {
	it.each<[string, Fault]>([
		['429', { on: 'submit', kind: 'http', status: 429, retryAfterSeconds: 0, times: 2 }],
		['500', { on: 'submit', kind: 'http', status: 500, times: 2 }],
		['502', { on: 'submit', kind: 'http', status: 502, times: 2 }],
	])('resends a submit after %s, which APIXO did not take', async (_, fault) => {
		fake = await startFake();
		fake.inject(fault);
		const result = await runKling(fake, { parameters: noDownload });
		expect(result.status).toBe('success');
		expect(fake.stats.submits).toBe(3);
		expect(fake.stats.acceptedSubmits).toBe(1);
	});

	it('resends a submit whose connection was refused: nothing reached APIXO', async () => {
		fake = await startFake();
		const lateDoor = await portThatOpensLater(Number(new URL(fake.baseUrl).port), 300);
		try {
			const result = await runKling(fake, {
				parameters: noDownload,
				baseUrl: fake.baseUrl.replace(/:\d+\//, `:${lateDoor.port}/`),
			});
			expect(result.status).toBe('success');
			expect(fake.stats.submits).toBe(1);
		} finally {
			await lateDoor.close();
		}
	});

	it('gives up on a door that stays shut, saying nothing was charged', async () => {
		fake = await startFake();
		const shutDoor = await portThatOpensLater(1, 60_000);
		const result = await runKling(fake, {
			parameters: noDownload,
			baseUrl: fake.baseUrl.replace(/:\d+\//, `:${shutDoor.port}/`),
		});
		await shutDoor.close();
		expect(errorText(result)).toMatch(/Could not connect to APIXO/);
		expect(errorText(result)).toMatch(/nothing was charged \(ECONNREFUSED\)/);
	});

	it.each<[string, Fault]>([
		['a 504 (APIXO took the task)', { on: 'submit', kind: 'http', status: 504, acceptAnyway: true }],
		['a reset after sending (APIXO took the task)', { on: 'submit', kind: 'reset', acceptAnyway: true }],
		['an answer slower than the request timeout', { on: 'submit', kind: 'delay', ms: 800 }],
		['an unreadable 200', { on: 'submit', kind: 'malformedJson' }],
	])('does not resend after %s, and says how to check', async (_, fault) => {
		fake = await startFake();
		fake.inject(fault);
		const result = await runKling(fake, {
			parameters: textToVideo({ options: { download: false, requestTimeout: 0.4 } }),
		});
		expect(result.status).toBe('error');
		expect(errorText(result)).toMatch(/Unknown whether APIXO accepted the task/);
		expect(errorText(result)).toMatch(/not sent again, to avoid paying twice/);
		expect(errorText(result)).toMatch(/Task → Wait/);
		expect(fake.stats.submits).toBe(1);
	});

	it('gives up on a submit that keeps getting 500, with the reference’s advice', async () => {
		fake = await startFake();
		fake.inject({ on: 'submit', kind: 'http', status: 500, times: 50 });
		const result = await runKling(fake, { parameters: noDownload });
		expect(errorText(result)).toMatch(/APIXO server error \(HTTP 500\)/);
		expect(fake.stats.submits).toBe(6);
		expect(fake.stats.acceptedSubmits).toBe(0);
	});

	it('fails fast on 402 with the fix, paying nothing', async () => {
		fake = await startFake({ balance: 0.1 });
		const result = await runKling(fake, { parameters: noDownload });
		expect(errorText(result)).toMatch(/Insufficient balance or quota \(HTTP 402\)/);
		expect(errorText(result)).toMatch(/Add balance/);
		expect(fake.stats.submits).toBe(1);
	});
});

describe('failed tasks speak the API’s language', () => {
	it.each([
		['CONTENT_VIOLATION', /Change the prompt or the input media/],
		['INVALID_IMAGE_URL', /direct JPG, JPEG or PNG URL/],
		['INVALID_VIDEO_URL', /MP4, MOV or M4V URL/],
		['INVALID_PARAMETER', /Check mode, duration, sound/],
		['INSUFFICIENT_BALANCE', /Add balance before retrying/],
		['UPSTREAM_ERROR', /Retry later/],
		['TIMEOUT', /simplify the inputs, or use a callback wait mode/],
	])('%s: an error naming the task, the code and the fix', async (failCode, fix) => {
		fake = await startFake({ outcome: () => ({ failCode }) });
		const result = await runKling(fake, { parameters: noDownload });
		expect(result.status).toBe('error');
		const text = errorText(result);
		expect(text).toContain(onlyTask().taskId);
		expect(text).toContain(failCode);
		expect(text).toMatch(fix);
	});

	it('under Continue On Fail: an item with taskId, failCode, failMsg, state failed', async () => {
		fake = await startFake({
			outcome: (input) => (input.prompt === 'bad' ? { failCode: 'CONTENT_VIOLATION', failMsg: 'Content does not meet safety guidelines' } : undefined),
		});
		const result = await runKling(fake, {
			parameters: textToVideo({ prompt: '={{ $json.prompt }}', options: { download: false } }),
			items: [{ prompt: 'good' }, { prompt: 'bad' }, { prompt: 'good too' }],
			continueOnFail: true,
		});
		const items = klingOutput(result);
		expect(items.map((item) => item.json.state)).toEqual(['success', 'failed', 'success']);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const badTask = [...fake.tasks.values()].find((task) => task.input.prompt === 'bad');
		expect(items[1].json).toMatchObject({
			taskId: badTask?.taskId,
			failCode: 'CONTENT_VIOLATION',
			failMsg: 'Content does not meet safety guidelines',
			state: 'failed',
		});
		expect(items[1].json.error).toMatch(/CONTENT_VIOLATION/);
	});

	it('with the error output, sends failed items there and videos to the main output', async () => {
		fake = await startFake({ outcome: (input) => (input.prompt === 'bad' ? { failCode: 'CONTENT_VIOLATION' } : undefined) });
		const result = await runKling(fake, {
			parameters: textToVideo({ prompt: '={{ $json.prompt }}', options: { download: false } }),
			items: [{ prompt: 'good' }, { prompt: 'bad' }],
			errorOutput: true,
		});
		const [main, errors] = result.run.data.resultData.runData.Kling[0].data!.main;
		expect(main!.map((item) => item.json.state)).toEqual(['success']);
		const badTask = [...fake.tasks.values()].find((task) => task.input.prompt === 'bad');
		expect(errors!.map((item) => item.json)).toEqual([
			{
				prompt: 'bad',
				error: expect.stringContaining('CONTENT_VIOLATION'),
				details: expect.objectContaining({ taskId: badTask?.taskId, failCode: 'CONTENT_VIOLATION', state: 'failed' }),
			},
		]);
	});

	it('without Continue On Fail, the error lists the videos that did finish', async () => {
		fake = await startFake({ outcome: (input) => (input.prompt === 'bad' ? { failCode: 'UPSTREAM_ERROR' } : undefined) });
		const result = await runKling(fake, {
			parameters: textToVideo({ prompt: '={{ $json.prompt }}', options: { download: false } }),
			items: [{ prompt: 'good' }, { prompt: 'bad' }],
		});
		const goodTask = [...fake.tasks.values()].find((task) => task.input.prompt === 'good');
		expect(errorText(result)).toMatch(/^Item 2: APIXO task \S+ failed: UPSTREAM_ERROR/);
		expect(errorText(result)).toContain(`${goodTask?.taskId} (item 1)`);
	});
});

describe('deadlines and cancellation', () => {
	it('times out a task that never finishes, naming it for Task → Wait', async () => {
		fake = await startFake({ outcome: () => ({ neverFinishes: true }) });
		const result = await runKling(fake, {
			parameters: textToVideo({ options: { download: false, timeout: 0.6 } }),
		});
		expect(result.status).toBe('error');
		const text = errorText(result);
		expect(text).toContain(`Task ${onlyTask().taskId} was not finished after 1 s (last state: processing)`);
		expect(text).toMatch(/use Task → Wait with task ID/);
		expect(fake.stats.submits).toBe(1);
	});

	it('stops polling at once when the execution is cancelled', async () => {
		fake = await startFake({ outcome: () => ({ neverFinishes: true }) });
		const started = Date.now();
		const result = await runKling(fake, { parameters: noDownload, abortAfterMs: 400 });
		expect(result.status).toBe('canceled');
		const readsAtCancel = fake.stats.statusReads;
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(fake.stats.statusReads).toBe(readsAtCancel);
		expect(Date.now() - started).toBeLessThan(5000);
	});
});

import type { FakeApixo } from '../fake-apixo';
import { FAST_OPTIONS, klingOutput, runKling, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
afterEach(async () => await fake.close());

/** The node's default pacing: Max Requests per Second left out. */
const adaptive = { maxRequestsPerSecond: undefined };
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ prompt: `video ${i}` }));
const promptFromItem = { prompt: '={{ $json.prompt }}' };

describe('adaptive pacing with default options', () => {
	it('finds an account limit of 5 requests/s by itself: every item succeeds, 429s only while ramping and when probing', async () => {
		fake = await startFake({ rateLimitPerSecond: 5 });
		const result = await runKling(fake, {
			parameters: textToVideo({ ...promptFromItem, options: { ...adaptive, download: false } }),
			items: items(20),
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		const output = klingOutput(result);
		expect(output.filter((item) => item.json.state === 'success')).toHaveLength(20);
		expect(fake.stats.acceptedSubmits).toBe(20);
		// A fixed 10/s (the old default) against this limit has every other request refused.
		const refusedAt = fake.stats.requestLog.filter((request) => request.status === 429).map((request) => request.at);
		expect(refusedAt.length).toBeGreaterThan(0);
		// The ramp's overshoot: what was in flight when the first 429 came back, at most Max Concurrency's 10.
		const overshoot = refusedAt.filter((at) => at <= refusedAt[0] + 1000);
		expect(overshoot.length).toBeLessThanOrEqual(10);
		// Then the limit is found: the run (about 9 s) draws a 429 only when a probe (one per 5 s or more) tries above it.
		expect(refusedAt.length - overshoot.length).toBeLessThanOrEqual(2);
	});
});

describe('requests in flight', () => {
	it('keeps at most 24 requests waiting for APIXO at once, whatever Max Concurrency and the batch size', async () => {
		fake = await startFake({ taskDurationMs: 0, faultEvery: { on: 'any', every: 1, fault: { kind: 'delay', ms: 40 } } });
		const result = await runKling(fake, {
			parameters: textToVideo({ ...promptFromItem, options: { firstPollDelay: 0, maxConcurrency: 100, download: false } }),
			items: items(100),
		});
		expect(result.status).toBe('success');
		expect(klingOutput(result).filter((item) => item.json.state === 'success')).toHaveLength(100);
		expect(fake.stats.peakConcurrentApiRequests).toBeGreaterThan(10);
		expect(fake.stats.peakConcurrentApiRequests).toBeLessThanOrEqual(24);
	});
});

describe('a per-second rate limit', () => {
	it('after its 429 (Retry-After: 1), requests go again once its window frees, not a whole second later', async () => {
		fake = await startFake({ taskDurationMs: 2000, rateLimitPerSecond: 10 });
		const result = await runKling(fake, {
			parameters: textToVideo({
				...promptFromItem,
				// Just above the limit: ten submits fill the window, the first status read is refused.
				options: { firstPollDelay: 0, maxRequestsPerSecond: 12, download: false },
			}),
			items: items(10),
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(klingOutput(result).filter((item) => item.json.state === 'success')).toHaveLength(10);
		const log = fake.stats.requestLog;
		const firstRefused = log.findIndex((entry) => entry.status === 429);
		expect(firstRefused).toBeGreaterThanOrEqual(10);
		const nextAdmitted = log.find((entry, i) => i > firstRefused && entry.status === 200);
		// The window frees when the first submit is a second old, about 150 ms after the 429;
		// holding every request for the whole Retry-After, as before, put 1000 ms here.
		expect(nextAdmitted!.at - log[firstRefused].at).toBeLessThan(600);
		expect(fake.stats.rateLimited).toBeLessThanOrEqual(2);
	});
});

describe('Retry-After never waits past the item’s deadline', () => {
	const twoSecondTimeout = { ...FAST_OPTIONS, timeout: 2, download: false };

	it('ends a status read asked to come back in an hour as a timeout with its task ID', async () => {
		fake = await startFake();
		fake.inject({ on: 'status', kind: 'http', status: 429, retryAfterSeconds: 3600 });
		const result = await runKling(fake, {
			parameters: textToVideo({ options: twoSecondTimeout }),
			continueOnFail: true,
			abortAfterMs: 20_000,
		});
		expect(result.status).toBe('success');
		const [item] = klingOutput(result);
		expect(item.json.error).toMatch(/was not finished after 2 s/);
		expect(item.json.taskId).toBe([...fake.tasks.keys()][0]);
		expect(String(item.json.description)).toMatch(/Retry-After/);
		expect(fake.stats.statusReads).toBe(1);
	});

	it('refuses a submit asked to come back in an hour: not taken, nothing charged, not waited for', async () => {
		fake = await startFake();
		fake.inject({ on: 'submit', kind: 'http', status: 429, retryAfterSeconds: 3600 });
		const result = await runKling(fake, {
			parameters: textToVideo({ options: twoSecondTimeout }),
			continueOnFail: true,
			abortAfterMs: 20_000,
		});
		expect(result.status).toBe('success');
		const [item] = klingOutput(result);
		expect(item.json.error).toMatch(/refused/);
		expect(String(item.json.description)).toMatch(/3600 s .*nothing was charged/);
		expect(fake.stats.submits).toBe(1);
		expect(fake.stats.acceptedSubmits).toBe(0);
	});

	it('holds the other items of the run no longer than the Timeout either', async () => {
		fake = await startFake();
		fake.inject({ on: 'status', kind: 'http', status: 429, retryAfterSeconds: 3600 });
		const result = await runKling(fake, {
			parameters: textToVideo({ ...promptFromItem, options: twoSecondTimeout }),
			items: items(3),
			continueOnFail: true,
			abortAfterMs: 20_000,
		});
		expect(result.status).toBe('success');
		const output = klingOutput(result);
		expect(output).toHaveLength(3);
		for (const item of output) expect(item.json.taskId).toEqual(expect.any(String));
	});
});

describe('First Poll Delay left out: the first read follows APIXO’s latency table', () => {
	it('reads a 3 s and a 12 s video no earlier than the table says (here: only at the 1.5 s deadline)', async () => {
		fake = await startFake();
		const result = await runKling(fake, {
			parameters: textToVideo({
				prompt: '={{ $json.prompt }}',
				duration: '={{ $json.duration }}',
				options: { firstPollDelay: undefined, timeout: 1.5, download: false },
			}),
			items: [
				{ prompt: 'short', duration: 3 },
				{ prompt: 'long', duration: 12 },
			],
		});
		expect(result.status).toBe('success');
		expect(klingOutput(result).map((item) => item.json.state)).toEqual(['success', 'success']);
		expect([...fake.stats.statusReadsByTask.values()]).toEqual([1, 1]);
	});
});

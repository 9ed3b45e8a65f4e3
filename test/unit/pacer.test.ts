import { RequestPacer } from '../../nodes/shared/transport/pacer';

/**
 * Takes `count` turns, ten callers at a time (Max Concurrency's default), APIXO answering each
 * at once, on jest's clock; returns the send times.
 */
async function takeAnsweredTurns(pacer: RequestPacer, count: number): Promise<number[]> {
	const sentAt: number[] = [];
	const caller = async () => {
		while (sentAt.length < count) {
			const at = await pacer.takeTurn();
			pacer.answered(at);
			sentAt.push(at);
		}
	};
	let done = false;
	const callers = Promise.all(Array.from({ length: 10 }, caller)).then(() => (done = true));
	while (!done) await jest.advanceTimersByTimeAsync(5);
	await callers;
	return sentAt.slice(0, count);
}

describe('the request pacer', () => {
	afterEach(() => jest.useRealTimers());

	it('with default options, sends a batch’s 200 submits in a burst: APIXO documents 10,000 a minute, not 166 a second', async () => {
		jest.useFakeTimers({ now: 0 });
		const pacer = new RequestPacer({ longestPauseMs: 60_000 });
		const sentAt = await takeAnsweredTurns(pacer, 200);
		// 166/s evenly would take 1.2 s; the slow start from 20/s costs a few round trips only.
		expect(sentAt[199] - sentAt[0]).toBeLessThan(400);
	});

	it('told a rate, keeps to it', async () => {
		jest.useFakeTimers({ now: 0 });
		const pacer = new RequestPacer({ maxRequestsPerSecond: 50, longestPauseMs: 60_000 });
		const sentAt = await takeAnsweredTurns(pacer, 101);
		expect(sentAt[100] - sentAt[0]).toBeGreaterThanOrEqual(2_000);
	});

	it('after a Retry-After pause, spaces the turns from the end of the pause: no catching up on time that was waited on purpose', async () => {
		jest.useFakeTimers({ now: 0 });
		const pacer = new RequestPacer({ maxRequestsPerSecond: 4, longestPauseMs: 60_000 });
		const first = await pacer.takeTurn();
		pacer.rateLimited(first, 2_000);
		const sentAt: number[] = [];
		const turns = Promise.all([0, 1, 2].map(async () => sentAt.push(await pacer.takeTurn())));
		await jest.advanceTimersByTimeAsync(5_000);
		await turns;
		const spacingMs = (1000 + 25) / 4;
		expect(sentAt[0]).toBeGreaterThanOrEqual(2_000);
		expect(sentAt[1] - sentAt[0]).toBeGreaterThanOrEqual(Math.floor(spacingMs));
		expect(sentAt[2] - sentAt[1]).toBeGreaterThanOrEqual(Math.floor(spacingMs));
	});

	it('gives the event loop back every few turns, even when each turn starts a loop of its own', async () => {
		const pacer = new RequestPacer({ maxRequestsPerSecond: 0, longestPauseMs: 60_000 });
		let timerRan = false;
		setTimeout(() => (timerRan = true), 0);
		let turnsBeforeTimer = 0;
		// Each turn is taken only once the previous one is through: like answers arriving together,
		// each sending the next request, every call finds the loop idle and starts it anew.
		for (let i = 0; i < 30; i++) {
			await pacer.takeTurn();
			if (!timerRan) turnsBeforeTimer++;
		}
		expect(turnsBeforeTimer).toBeLessThanOrEqual(5);
	});
});

import { AdaptiveRate, START_PER_SECOND } from '../../nodes/shared/transport/adaptiveRate';

/** A ceiling the user might set. */
const CEILING = 166;

/** Drives the rate with a hand-held clock: send at the current rate for `ms`, all answered. */
function sendFor(rate: AdaptiveRate, clock: { now: number }, ms: number, queueing = true): void {
	const end = clock.now + ms;
	while (clock.now < end) {
		if (queueing) rate.demandExceeded(clock.now);
		rate.answered(clock.now, clock.now);
		clock.now += rate.spacingMs;
	}
}

describe('adaptive pacing (AIMD)', () => {
	it('starts at 20/s, below any ceiling the user set', () => {
		expect(new AdaptiveRate(CEILING, 0).requestsPerSecond).toBe(START_PER_SECOND);
		expect(new AdaptiveRate(5, 0).requestsPerSecond).toBe(5);
	});

	it('doubles once per round trip while requests queue and none is refused, up to the ceiling', () => {
		const rate = new AdaptiveRate(CEILING, 0);
		rate.demandExceeded(10);
		// Answers to requests sent before the start prove nothing about the new rate.
		rate.answered(-1, 120);
		expect(rate.requestsPerSecond).toBe(START_PER_SECOND);
		rate.answered(10, 13);
		expect(rate.requestsPerSecond).toBe(40);
		// A request sent at 20/s, answered after the raise to 40/s, does not raise it again.
		rate.demandExceeded(40);
		rate.answered(11, 42);
		expect(rate.requestsPerSecond).toBe(40);
		rate.answered(40, 43);
		expect(rate.requestsPerSecond).toBe(80);
		const clock = { now: 50 };
		sendFor(rate, clock, 100);
		expect(rate.requestsPerSecond).toBeCloseTo(CEILING);
	});

	it('does not speed up while nothing queues', () => {
		const clock = { now: 0 };
		const rate = new AdaptiveRate(CEILING, 0);
		sendFor(rate, clock, 5000, false);
		expect(rate.requestsPerSecond).toBe(START_PER_SECOND);
	});

	it('on the first 429, drops to what APIXO was letting through in the last second', () => {
		const clock = { now: 0 };
		const rate = new AdaptiveRate(CEILING, 0);
		// An account limit of 5/s: five requests answered, the sixth refused.
		for (let i = 0; i < 5; i++) {
			rate.answered(clock.now, clock.now);
			clock.now += 50;
		}
		expect(rate.rateLimited(clock.now, clock.now + 5)).toBe(true);
		expect(rate.requestsPerSecond).toBe(5);
	});

	it('cuts multiplicatively once per 429 episode: answers to requests sent before the cut do not cut again', () => {
		const clock = { now: 0 };
		const rate = new AdaptiveRate(CEILING, 0);
		sendFor(rate, clock, 1000);
		rate.rateLimited(clock.now, clock.now + 1);
		const afterFirstCut = rate.requestsPerSecond;
		expect(rate.rateLimited(clock.now - 1, clock.now + 2)).toBe(false);
		expect(rate.requestsPerSecond).toBe(afterFirstCut);
		clock.now += 10;
		expect(rate.rateLimited(clock.now, clock.now + 1)).toBe(true);
		expect(rate.requestsPerSecond).toBeCloseTo(afterFirstCut * 0.95);
	});

	it('after the ramp, a 429 drops the rate to what APIXO let through in the last second, not below', () => {
		const clock = { now: 0 };
		const rate = new AdaptiveRate(CEILING, 0);
		sendFor(rate, clock, 1000);
		rate.rateLimited(clock.now, clock.now);
		// A per-second limit of 30: thirty answered in the last second, then a 429.
		clock.now += 2000;
		for (let i = 0; i < 30; i++) {
			rate.answered(clock.now, clock.now);
			clock.now += 30;
		}
		expect(rate.rateLimited(clock.now, clock.now)).toBe(true);
		expect(rate.requestsPerSecond).toBe(30);
	});

	it('probes back up by small fixed steps, only after a quiet spell', () => {
		const clock = { now: 0 };
		const rate = new AdaptiveRate(CEILING, 0);
		sendFor(rate, clock, 1000);
		// A block rather than a rate: nothing got through in the last second.
		clock.now += 2000;
		rate.rateLimited(clock.now, clock.now);
		const cut = rate.requestsPerSecond;
		expect(cut).toBeCloseTo(CEILING * 0.85);
		sendFor(rate, clock, 4900);
		expect(rate.requestsPerSecond).toBe(cut);
		sendFor(rate, clock, 200);
		const step = rate.requestsPerSecond - cut;
		expect(step).toBeGreaterThan(0);
		expect(step).toBeLessThanOrEqual(cut * 0.05 + 1e-9);
		sendFor(rate, clock, 5000);
		expect(rate.requestsPerSecond - cut).toBeCloseTo(2 * step);
	});

	it('after each probe that draws a 429, waits twice as long before the next, up to a minute', () => {
		const clock = { now: 0 };
		const rate = new AdaptiveRate(CEILING, 0);
		sendFor(rate, clock, 1000);
		rate.rateLimited(clock.now, clock.now);
		const probeWaits: number[] = [];
		for (let probe = 0; probe < 6; probe++) {
			const before = rate.requestsPerSecond;
			const from = clock.now;
			while (rate.requestsPerSecond === before) sendFor(rate, clock, 100);
			probeWaits.push(Math.round((clock.now - from) / 1000));
			// A hard limit: the probe's first request is refused.
			rate.rateLimited(clock.now, clock.now);
		}
		expect(probeWaits).toEqual([5, 10, 20, 40, 60, 60]);
	});

	it('probes at the base pace again once a probe went a whole wait without a 429', () => {
		const clock = { now: 0 };
		const rate = new AdaptiveRate(CEILING, 0);
		sendFor(rate, clock, 1000);
		// A block rather than a rate: the cut leaves room below the ceiling for three probes.
		clock.now += 2000;
		rate.rateLimited(clock.now, clock.now);
		sendFor(rate, clock, 5100);
		rate.rateLimited(clock.now, clock.now);
		// The next probe waits 10 s; this one is let through, and the one after comes 5 s later.
		sendFor(rate, clock, 10_100);
		const afterProbe = rate.requestsPerSecond;
		sendFor(rate, clock, 10_000);
		expect(rate.requestsPerSecond).toBeGreaterThan(afterProbe);
		const again = rate.requestsPerSecond;
		sendFor(rate, clock, 5_100);
		expect(rate.requestsPerSecond).toBeGreaterThan(again);
	});

	it('never goes below half a request per second', () => {
		const clock = { now: 0 };
		const rate = new AdaptiveRate(CEILING, 0);
		for (let i = 0; i < 100; i++) rate.rateLimited(clock.now + i, clock.now + i);
		expect(rate.requestsPerSecond).toBe(0.5);
	});
});

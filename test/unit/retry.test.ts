import { retryAfterMs } from '../../nodes/shared/transport/client';
import { backoffMs } from '../../nodes/shared/transport/retry';

describe('retry policy', () => {
	it('doubles from the base delay and caps at a minute', () => {
		expect([1, 2, 3, 4].map((failures) => backoffMs(failures, 100))).toEqual([100, 200, 400, 800]);
		expect(backoffMs(30, 1000)).toBe(60_000);
	});

	it('never retries sooner than Retry-After', () => {
		expect(backoffMs(1, 100, 3000)).toBe(3000);
		expect(backoffMs(5, 1000, 10)).toBe(16_000);
	});

	it('reads Retry-After as seconds or as an HTTP date', () => {
		expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
		expect(retryAfterMs({ 'retry-after': 0 })).toBe(0);
		const inFiveSeconds = new Date(Date.now() + 5000).toUTCString();
		expect(retryAfterMs({ 'retry-after': inFiveSeconds })).toBeGreaterThan(3000);
		expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
		expect(retryAfterMs({})).toBeUndefined();
	});
});

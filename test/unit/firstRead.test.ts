import { firstReadDelayMs } from '../../nodes/shared/wait/firstRead';

describe('first status read by APIXO’s latency table', () => {
	it.each([
		[3, 60_000],
		[5, 60_000],
		[6, 90_000],
		[10, 90_000],
		[11, 120_000],
		[15, 120_000],
		// Motion control: the billed reference length, up to 30 s.
		[30, 120_000],
	])('a %s s video is first read after %s ms', (seconds, delay) => {
		expect(firstReadDelayMs(seconds)).toBe(delay);
	});

	it('reads after 60 s when the length is not known', () => {
		expect(firstReadDelayMs(undefined)).toBe(60_000);
	});
});

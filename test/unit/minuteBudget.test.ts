import { DOCUMENTED_REQUESTS_PER_MINUTE, MinuteBudget } from '../../nodes/shared/transport/minuteBudget';

/** Sends whenever the budget allows, for `ms`; returns every send time. */
function sendGreedily(budget: MinuteBudget, fromMs: number, ms: number): number[] {
	const sent: number[] = [];
	let now = fromMs;
	while (now < fromMs + ms) {
		now = budget.nextRequestAt(now);
		budget.spend(now);
		sent.push(now);
	}
	return sent;
}

/** The most requests any 60 s of `sent` holds. */
function busiestMinute(sent: number[]): number {
	let first = 0;
	let most = 0;
	for (let last = 0; last < sent.length; last++) {
		while (sent[first] <= sent[last] - 60_000) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

describe('the documented 10,000 requests a minute', () => {
	it('lets a batch spend the minute’s budget at once', () => {
		const budget = new MinuteBudget();
		const sentAt = Array.from({ length: DOCUMENTED_REQUESTS_PER_MINUTE }, () => {
			const at = budget.nextRequestAt(5);
			budget.spend(at);
			return at;
		});
		expect(new Set(sentAt)).toEqual(new Set([5]));
		// The 10,001st waits until the first of them is a minute old.
		expect(budget.nextRequestAt(5)).toBe(60_005);
		expect(budget.nextRequestAt(60_005)).toBe(60_005);
	});

	it('never lets any 60 s hold more than 10,000 requests, however greedy the sender', () => {
		const sent = sendGreedily(new MinuteBudget(), 0, 4 * 60_000);
		expect(busiestMinute(sent)).toBe(DOCUMENTED_REQUESTS_PER_MINUTE);
		// And it spends the whole budget of every minute: four of them, and the fifth's first.
		expect(sent).toHaveLength(4 * DOCUMENTED_REQUESTS_PER_MINUTE + 1);
	});

	it('frees the budget as sends age, one by one', () => {
		const budget = new MinuteBudget();
		for (let i = 0; i < DOCUMENTED_REQUESTS_PER_MINUTE; i++) budget.spend(i);
		expect(budget.nextRequestAt(DOCUMENTED_REQUESTS_PER_MINUTE)).toBe(60_000);
		budget.spend(60_000);
		expect(budget.nextRequestAt(60_000)).toBe(60_001);
	});
});

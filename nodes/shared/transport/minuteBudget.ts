/**
 * APIXO documents 10,000 requests a minute: a budget per minute, not a pace per second. A
 * batch may spend it in a burst (200 submits at once) as long as no 60 s ever holds more than
 * 10,000 of this execution's requests; an account limit below that is the adaptive rate's to find.
 */
export const DOCUMENTED_REQUESTS_PER_MINUTE = 10_000;
const MINUTE_MS = 60_000;

export class MinuteBudget {
	/** Send times of the last minute, oldest first, from `oldest` on. */
	private readonly sentAt: number[] = [];

	private oldest = 0;

	/** The earliest moment a request may go out: now, unless the last minute already holds the budget. */
	nextRequestAt(now: number): number {
		this.forgetBefore(now - MINUTE_MS);
		return this.sentAt.length - this.oldest < DOCUMENTED_REQUESTS_PER_MINUTE ? now : this.sentAt[this.oldest] + MINUTE_MS;
	}

	spend(now: number): void {
		this.sentAt.push(now);
	}

	private forgetBefore(cutoff: number): void {
		while (this.oldest < this.sentAt.length && this.sentAt[this.oldest] <= cutoff) this.oldest++;
		// Drop the forgotten head now and then, not on every request.
		if (this.oldest > DOCUMENTED_REQUESTS_PER_MINUTE) {
			this.sentAt.splice(0, this.oldest);
			this.oldest = 0;
		}
	}
}

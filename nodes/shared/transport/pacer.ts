import { sleepUnlessCancelled } from '../sleepUnlessCancelled';

/**
 * Spaces requests so that one execution stays under APIXO's rate limit instead of leaning
 * on 429s, and holds every request back while APIXO has asked us to wait (Retry-After).
 */
export class RequestPacer {
	private nextSlotAt = 0;

	private pausedUntil = 0;

	private readonly spacingMs: number;

	constructor(
		maxRequestsPerSecond: number,
		private readonly cancelSignal?: AbortSignal,
	) {
		// A little slack per request: spacing exactly at the limit meets it, and any jitter is a 429.
		this.spacingMs = maxRequestsPerSecond > 0 ? (1000 + 25) / maxRequestsPerSecond : 0;
	}

	/** Resolves when this caller may send; callers are served in arrival order. */
	async takeTurn(): Promise<void> {
		const now = Date.now();
		const slot = Math.max(now, this.nextSlotAt, this.pausedUntil);
		this.nextSlotAt = slot + this.spacingMs;
		if (slot > now) await sleepUnlessCancelled(slot - now, this.cancelSignal);
	}

	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
	}
}

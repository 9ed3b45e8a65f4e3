import { sleep } from 'n8n-workflow';

import { AdaptiveRate, DOCUMENTED_LIMIT_PER_SECOND } from './adaptiveRate';

export interface PacingSettings {
	/**
	 * The highest rate the pacer may reach. Unset: APIXO's documented limit. 0: no pacing at
	 * all (saved workflows from before adaptive pacing use it; Retry-After still holds requests back).
	 */
	maxRequestsPerSecond?: number;
	/** No Retry-After holds every request back longer than this (the run's Timeout). */
	longestPauseMs: number;
}

/**
 * Spaces one execution's requests at the rate APIXO lets through (see AdaptiveRate), serving
 * callers in arrival order, and holds every request back while APIXO has asked us to wait.
 */
export class RequestPacer {
	private readonly rate: AdaptiveRate | undefined;

	private readonly waiting: Array<() => void> = [];

	private serving = false;

	private lastTurnAt = -Infinity;

	private pausedUntil = 0;

	constructor(
		private readonly settings: PacingSettings,
		private readonly cancelSignal?: AbortSignal,
	) {
		const ceiling = settings.maxRequestsPerSecond ?? DOCUMENTED_LIMIT_PER_SECOND;
		this.rate = ceiling > 0 ? new AdaptiveRate(ceiling, Date.now()) : undefined;
	}

	get requestsPerSecond(): number {
		return this.rate?.requestsPerSecond ?? Infinity;
	}

	/** Until when every request is held back because APIXO asked us to wait. */
	get heldUntil(): number {
		return this.pausedUntil;
	}

	/** Resolves with the send time when this caller may send. */
	async takeTurn(): Promise<number> {
		if (!this.rate) {
			const wait = this.pausedUntil - Date.now();
			if (wait > 0) await sleep(wait, this.cancelSignal);
			return Date.now();
		}
		await new Promise<void>((resolve) => {
			this.waiting.push(resolve);
			if (!this.serving) void this.serve(this.rate as AdaptiveRate);
		});
		return Date.now();
	}

	/** APIXO answered a request sent at `sentAt` without a rate limit. */
	answered(sentAt: number): void {
		this.rate?.answered(sentAt, Date.now());
	}

	/** APIXO answered 429 (in the HTTP status or the body's code) to a request sent at `sentAt`. */
	rateLimited(sentAt: number, retryAfterMs: number | undefined): void {
		const now = Date.now();
		this.rate?.rateLimited(sentAt, now);
		if (retryAfterMs === undefined) return;
		const pause = Math.min(retryAfterMs, this.settings.longestPauseMs);
		this.pausedUntil = Math.max(this.pausedUntil, now + pause);
	}

	/** One loop hands out turns, so a rate change or a pause applies to everyone already waiting. */
	private async serve(rate: AdaptiveRate): Promise<void> {
		this.serving = true;
		try {
			while (this.waiting.length > 0) {
				const now = Date.now();
				const turnAt = Math.max(this.pausedUntil, this.lastTurnAt + rate.spacingMs);
				if (turnAt > now) {
					await sleep(turnAt - now, this.cancelSignal);
					continue;
				}
				if (this.waiting.length > 1) rate.demandExceeded(now);
				// A late timer may catch up by one turn, else timer lag would lower the rate.
				this.lastTurnAt = Math.max(this.lastTurnAt + rate.spacingMs, now - rate.spacingMs);
				this.waiting.shift()?.();
			}
		} catch {
			// Cancelled: let every waiter go, so each sees the cancellation itself.
			this.waiting.splice(0).forEach((release) => release());
		} finally {
			this.serving = false;
		}
	}
}

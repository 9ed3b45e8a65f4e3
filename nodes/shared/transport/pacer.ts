import { sleepUnlessCancelled } from '../sleepUnlessCancelled';

import { AdaptiveRate } from './adaptiveRate';
import { MinuteBudget } from './minuteBudget';

/** Requests started per event-loop turn: each costs n8n's HTTP stack most of a millisecond. */
const TURNS_PER_TICK = 5;
/**
 * Where the ramp stops when the user set no rate: n8n's HTTP stack spends about a millisecond of
 * CPU per request, so one execution cannot send much faster anyway.
 */
const FASTEST_PER_SECOND = 1000;
/** How late a timer fires when the event loop is busy with answers. */
const TIMER_LAG_MS = 4;
/** The longest Retry-After a per-second rate limit gives. */
const ONE_SECOND_LIMIT_MS = 1000;

export interface PacingSettings {
	/**
	 * The highest rate the pacer may reach. Unset: APIXO's documented 10,000 requests a minute
	 * (MinuteBudget), whatever the pace within it. 0: no pacing at all
	 * (saved workflows from before adaptive pacing use it; Retry-After still holds requests back).
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

	/** Only when the user set no rate of their own. */
	private readonly budget: MinuteBudget | undefined;

	private readonly waiting: Array<() => void> = [];

	private serving = false;

	private lastTurnAt = -Infinity;

	private pausedUntil = 0;

	/**
	 * Turns given since the loop last slept. Kept across loops: answers arriving together each
	 * start a loop of their own, and their sends would otherwise all go out in one event-loop turn.
	 */
	private turnsSinceYield = 0;

	constructor(
		private readonly settings: PacingSettings,
		private readonly cancelSignal?: AbortSignal,
	) {
		const now = Date.now();
		const ceiling = settings.maxRequestsPerSecond ?? FASTEST_PER_SECOND;
		this.rate = ceiling > 0 ? new AdaptiveRate(ceiling, now) : undefined;
		this.budget = settings.maxRequestsPerSecond === undefined ? new MinuteBudget() : undefined;
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
		await new Promise<void>((resolve) => {
			this.waiting.push(resolve);
			if (!this.serving) void this.serve();
		});
		return Date.now();
	}

	/** APIXO answered a request sent at `sentAt` without a rate limit. */
	answered(sentAt: number): void {
		this.rate?.answered(sentAt, Date.now());
	}

	/**
	 * APIXO answered 429 (in the HTTP status or the body's code) to a request sent at `sentAt`:
	 * every request waits out Retry-After, bounded by the run's Timeout. Retry-After counts whole
	 * seconds, so "1" is all a per-second limit can say; then the wait ends as soon as the oldest
	 * request APIXO let through in the last second leaves the window, which is when that limit
	 * lets the next one through, instead of a full second for every 429.
	 */
	rateLimited(sentAt: number, retryAfterMs: number | undefined): void {
		const now = Date.now();
		this.rate?.rateLimited(sentAt, now);
		if (retryAfterMs === undefined) return;
		let until = now + Math.min(retryAfterMs, this.settings.longestPauseMs);
		if (this.rate && retryAfterMs <= ONE_SECOND_LIMIT_MS) until = Math.min(until, this.rate.windowFreesAt(now));
		this.pausedUntil = Math.max(this.pausedUntil, until);
	}

	/**
	 * One loop hands out turns, so a rate change or a pause applies to everyone already waiting.
	 * It gives the event loop back every few turns even unpaced: starting a thousand requests in
	 * one go blocks every other execution of that n8n for most of a second.
	 */
	private async serve(): Promise<void> {
		this.serving = true;
		try {
			while (this.waiting.length > 0) {
				const now = Date.now();
				const spacedAt = this.rate ? this.lastTurnAt + this.rate.spacingMs : 0;
				const budgetAt = this.budget?.nextRequestAt(now) ?? 0;
				const heldUntil = Math.max(this.pausedUntil, budgetAt > now ? budgetAt : 0);
				const turnAt = Math.max(heldUntil, spacedAt);
				if (turnAt > now || this.turnsSinceYield >= TURNS_PER_TICK) {
					await sleepUnlessCancelled(Math.max(0, turnAt - now), this.cancelSignal);
					this.turnsSinceYield = 0;
					continue;
				}
				if (this.rate) this.pace(this.rate, now, heldUntil > spacedAt);
				this.budget?.spend(now);
				this.turnsSinceYield++;
				this.waiting.shift()?.();
			}
		} catch {
			// Cancelled: let every waiter go, so each sees the cancellation itself.
			this.waiting.splice(0).forEach((release) => release());
		} finally {
			this.serving = false;
		}
	}

	private pace(rate: AdaptiveRate, now: number, heldBack: boolean): void {
		if (this.waiting.length > 1) rate.demandExceeded(now);
		// A late timer may catch up a little, else timer lag would lower the rate. At slow rates
		// not a whole turn, or two requests go out together and a strict limiter counts one too
		// many; at fast ones a busy event loop fires timers milliseconds late, several turns. A
		// turn held back by a pause or the minute's budget was not late: nothing to catch up.
		const catchUpMs = heldBack ? 0 : Math.max(rate.spacingMs / 4, TIMER_LAG_MS);
		this.lastTurnAt = Math.max(this.lastTurnAt + rate.spacingMs, now - catchUpMs);
	}
}

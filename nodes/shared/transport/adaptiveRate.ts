/**
 * How fast one execution may send to APIXO, found by itself: APIXO documents no limit for this
 * model (older video pages say 10,000 requests a minute, see MinuteBudget) and limits vary by
 * account, so the rate starts modestly, doubles each round trip while requests queue and none
 * is refused (slow start), drops on a 429 to what APIXO was letting through, and then probes
 * upward by small steps after a quiet spell.
 */

/**
 * 20/s sustains 200 tasks polled every 10 s; it doubles only once APIXO has answered a request
 * sent at it, so against a lower account limit at most a round trip's worth of requests goes
 * out before the first 429 says so.
 */
export const START_PER_SECOND = 20;
const MIN_PER_SECOND = 0.5;
/** After a 429, the rate creeps up only after this long without another one. */
const PROBE_EVERY_MS = 5000;
/**
 * A probe that drew a 429 found a hard limit: the next waits twice as long, up to this, so a
 * steady account limit costs a 429 a minute rather than one every few seconds.
 */
const LONGEST_PROBE_WAIT_MS = 60_000;
/** A 429 with no request let through in the last second (a block, not a rate) costs this share. */
const CUT_FACTOR = 0.85;
/** Whatever got through, the rate a 429 refused is not tried again at once. */
const BELOW_REFUSED = 0.95;
const PROBE_STEP_FRACTION = 0.05;
/** Spacing exactly at a limit meets it, and any jitter is a 429: this much more per request. */
const SLACK_MS = 25;
/** What APIXO let through in the last second, measured over this window. */
const DELIVERY_WINDOW_MS = 1000;

export class AdaptiveRate {
	private perSecond: number;

	private ramping = true;

	/** Requests queue for turns: more is asked than the rate allows. */
	private queueing = false;

	private lastChangeAt: number;

	private lastCutAt = -Infinity;

	private probeStep = MIN_PER_SECOND;

	private probeEveryMs = PROBE_EVERY_MS;

	/** The last change was a probe upward, not yet answered by a 429. */
	private probing = false;

	/** When the requests APIXO answered without a rate limit were sent, over the last second. */
	private readonly delivered: number[] = [];

	constructor(
		private readonly ceilingPerSecond: number,
		now: number,
	) {
		this.perSecond = Math.min(START_PER_SECOND, ceilingPerSecond);
		this.lastChangeAt = now;
	}

	get requestsPerSecond(): number {
		return this.perSecond;
	}

	get spacingMs(): number {
		return (1000 + SLACK_MS) / this.perSecond;
	}

	/** A turn was given while others waited: more is asked than the rate allows. */
	demandExceeded(now: number): void {
		this.queueing = true;
		if (this.ramping || now - this.lastChangeAt < this.probeEveryMs) return;
		// The last probe went a whole wait without a 429: the limit may have moved, probe at the base pace again.
		if (this.probing) this.probeEveryMs = PROBE_EVERY_MS;
		this.raiseTo(this.perSecond + this.probeStep, now);
		this.probing = true;
	}

	/**
	 * APIXO answered a request sent at `sentAt` without a rate limit. While ramping, an answer to
	 * a request sent at the current rate proves that rate: double it, once per round trip. A
	 * per-second limit refuses nothing before its allowance is spent, so the overshoot is what is
	 * in flight when the first 429 comes back, which the client's cap on requests in flight bounds.
	 */
	answered(sentAt: number, now: number): void {
		this.delivered.push(sentAt);
		while (this.delivered.length > 0 && this.delivered[0] < now - DELIVERY_WINDOW_MS) this.delivered.shift();
		if (this.ramping && this.queueing && sentAt >= this.lastChangeAt) {
			this.raiseTo(this.perSecond * 2, now);
		}
	}

	/**
	 * Returns whether this 429 cut the rate. A 429 for a request sent before the last cut says
	 * nothing new. The rate drops to what APIXO let through in the last second, which under a
	 * per-second limit is the limit itself (the spacing's slack keeps it just below): cutting
	 * further would only leave the account's allowance unused until the next probe.
	 */
	rateLimited(sentAt: number, now: number): boolean {
		if (sentAt < this.lastCutAt) return false;
		const lettingThrough = this.delivered.filter((at) => at >= now - DELIVERY_WINDOW_MS).length;
		const allowed = lettingThrough > 0 ? lettingThrough : this.perSecond * CUT_FACTOR;
		this.ramping = false;
		if (this.probing) this.probeEveryMs = Math.min(LONGEST_PROBE_WAIT_MS, 2 * this.probeEveryMs);
		this.probing = false;
		this.perSecond = Math.max(MIN_PER_SECOND, Math.min(allowed, this.perSecond * BELOW_REFUSED));
		this.probeStep = Math.max(MIN_PER_SECOND / 10, this.perSecond * PROBE_STEP_FRACTION);
		this.lastCutAt = now;
		this.lastChangeAt = now;
		return true;
	}

	/**
	 * When the oldest request APIXO let through in the last second leaves a one-second window:
	 * under a per-second limit, the first moment a request can be let through again.
	 */
	windowFreesAt(now: number): number {
		const oldest = this.delivered.find((at) => at >= now - DELIVERY_WINDOW_MS);
		return oldest === undefined ? now : oldest + DELIVERY_WINDOW_MS + SLACK_MS;
	}

	private raiseTo(perSecond: number, now: number): void {
		this.perSecond = Math.min(this.ceilingPerSecond, perSecond);
		this.lastChangeAt = now;
		this.queueing = false;
	}
}

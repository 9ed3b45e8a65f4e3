/**
 * How fast one execution may send to APIXO, found by itself (AIMD): APIXO documents no limit
 * for this model (older video pages say 10,000 requests a minute) and limits vary by account,
 * so the rate starts modestly, doubles while requests queue and none is refused, is cut
 * multiplicatively on a 429, and then probes upward by small fixed steps after a quiet spell.
 */

/** APIXO's highest documented limit, 10,000 requests a minute: the ceiling unless the user sets one. */
export const DOCUMENTED_LIMIT_PER_SECOND = 10_000 / 60;
/**
 * 20/s sustains 200 tasks polled every 10 s, is an eighth of the documented limit, and against
 * a lower account limit costs a quarter second of extra requests before the first 429 says so.
 */
export const START_PER_SECOND = 20;
const MIN_PER_SECOND = 0.5;
/** While no 429 has been seen, the rate doubles this often if requests are queueing. */
const RAMP_EVERY_MS = 250;
/** After a 429, the rate creeps up only after this long without another one. */
const PROBE_EVERY_MS = 5000;
/** A 429 after the ramp costs 15 % of the rate: gentle, because probing steps are small. */
const CUT_FACTOR = 0.85;
const PROBE_STEP_FRACTION = 0.05;
/** What APIXO let through in the last second, measured over this window. */
const DELIVERY_WINDOW_MS = 1000;

export class AdaptiveRate {
	private perSecond: number;

	private ramping = true;

	private lastChangeAt: number;

	private lastCutAt = -Infinity;

	private probeStep = MIN_PER_SECOND;

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

	/** A little slack per request: spacing exactly at a limit meets it, and any jitter is a 429. */
	get spacingMs(): number {
		return (1000 + 25) / this.perSecond;
	}

	/** A turn was given while others waited: more is asked than the rate allows. */
	demandExceeded(now: number): void {
		if (now - this.lastChangeAt < (this.ramping ? RAMP_EVERY_MS : PROBE_EVERY_MS)) return;
		const raised = this.ramping ? this.perSecond * 2 : this.perSecond + this.probeStep;
		this.perSecond = Math.min(this.ceilingPerSecond, raised);
		this.lastChangeAt = now;
	}

	answered(sentAt: number, now: number): void {
		this.delivered.push(sentAt);
		while (this.delivered.length > 0 && this.delivered[0] < now - DELIVERY_WINDOW_MS) this.delivered.shift();
	}

	/**
	 * Returns whether this 429 cut the rate. A 429 for a request sent before the last cut says
	 * nothing new. Leaving the ramp, the rate drops to what APIXO was letting through, since
	 * doubling may have overshot by up to twice.
	 */
	rateLimited(sentAt: number, now: number): boolean {
		if (sentAt < this.lastCutAt) return false;
		let cut = this.perSecond * CUT_FACTOR;
		if (this.ramping) {
			const lettingThrough = this.delivered.filter((at) => at >= now - DELIVERY_WINDOW_MS).length;
			cut = Math.min(cut, lettingThrough * 0.95);
			this.ramping = false;
		}
		this.perSecond = Math.max(MIN_PER_SECOND, cut);
		this.probeStep = Math.max(MIN_PER_SECOND, this.perSecond * PROBE_STEP_FRACTION);
		this.lastCutAt = now;
		this.lastChangeAt = now;
		return true;
	}
}

import type { Fault, FaultAction, FaultEvery, FaultTarget } from './types';

export type RequestKind = Exclude<FaultTarget, 'any'> | 'balance';

interface QueuedFault {
	fault: Fault;
	remaining: number;
}

/** Injected faults, consumed in order by the first matching requests, plus the periodic `faultEvery`. */
export class FaultPlan {
	private queue: QueuedFault[] = [];
	private everyCount = 0;

	constructor(private readonly every?: FaultEvery) {
		if (every && !(every.every >= 1)) throw new Error('faultEvery.every must be >= 1');
	}

	inject(fault: Fault): void {
		const times = fault.times ?? 1;
		if (times > 0) this.queue.push({ fault, remaining: times });
	}

	clear(): void {
		this.queue = [];
	}

	/** The fault for this request, if any (consumes it). */
	take(kind: RequestKind, taskId: string | undefined): FaultAction | undefined {
		const index = this.queue.findIndex((q) => matches(q.fault.on, kind) && matchesTask(q.fault, kind, taskId));
		let picked: FaultAction | undefined;
		if (index >= 0) {
			const queued = this.queue[index];
			picked = queued.fault;
			if (--queued.remaining === 0) this.queue.splice(index, 1);
		}
		if (this.every && matches(this.every.on, kind)) {
			this.everyCount++;
			if (!picked && this.everyCount % this.every.every === 0) picked = this.every.fault;
		}
		return picked;
	}
}

function matches(on: FaultTarget, kind: RequestKind): boolean {
	return on === 'any' || on === kind;
}

function matchesTask(fault: Fault, kind: RequestKind, taskId: string | undefined): boolean {
	if (fault.taskId === undefined) return true;
	return (kind === 'status' || kind === 'download') && fault.taskId === taskId;
}

/** Sliding one-second window over the last `limit` admitted requests: O(1) per request. */
export class RateLimiter {
	private readonly stamps: number[];
	private next = 0;

	constructor(limit: number) {
		if (!(limit >= 1)) throw new Error('rateLimitPerSecond must be >= 1');
		this.stamps = new Array<number>(Math.floor(limit)).fill(-Infinity);
	}

	admit(now: number): boolean {
		if (now - this.stamps[this.next] < 1000) return false;
		this.stamps[this.next] = now;
		this.next = (this.next + 1) % this.stamps.length;
		return true;
	}
}

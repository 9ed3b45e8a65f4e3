/** Memory and CPU measurement of this process (the engine and the node; the fake runs elsewhere). */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const MB = 1024 * 1024;

export interface MemoryPeaks {
	baselineRss: number;
	baselineHeapUsed: number;
	peakRss: number;
	peakHeapUsed: number;
	samples: number;
	/** Kernel's peak RSS (VmHWM) over the same span, when Linux lets us reset it; else undefined. */
	kernelPeakRss?: number;
}

/** Collects garbage when the process runs with --expose-gc, so baselines are comparable. */
export function collectGarbage(): void {
	(globalThis as { gc?: () => void }).gc?.();
}

/** Samples process.memoryUsage() every `intervalMs` (the issue asks for 20 ms) until stopped. */
export class MemorySampler {
	private readonly baseline = process.memoryUsage();
	private peakRss = this.baseline.rss;
	private peakHeapUsed = this.baseline.heapUsed;
	private samples = 0;
	private readonly timer: NodeJS.Timeout;
	private readonly kernelPeakReset = resetKernelPeak();

	constructor(intervalMs = 20) {
		this.timer = setInterval(() => this.sample(), intervalMs);
	}

	stop(): MemoryPeaks {
		this.sample();
		clearInterval(this.timer);
		return {
			baselineRss: this.baseline.rss,
			baselineHeapUsed: this.baseline.heapUsed,
			peakRss: this.peakRss,
			peakHeapUsed: this.peakHeapUsed,
			samples: this.samples,
			kernelPeakRss: this.kernelPeakReset ? kernelPeakRss() : undefined,
		};
	}

	private sample(): void {
		const usage = process.memoryUsage();
		this.samples++;
		this.peakRss = Math.max(this.peakRss, usage.rss);
		this.peakHeapUsed = Math.max(this.peakHeapUsed, usage.heapUsed);
	}
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0). */
function resetKernelPeak(): boolean {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
		return kernelPeakRss() !== undefined;
	} catch {
		return false;
	}
}

function kernelPeakRss(): number | undefined {
	try {
		const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/** CPU time (user + system, ms) this process spent since `since`. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
	const used = process.cpuUsage(since);
	return (used.user + used.system) / 1000;
}

export const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * The event loop's longest stall, twice: as a timer sees it (wall time between ticks), and
 * counting only CPU time this process spent in that gap. On a shared machine the kernel can
 * take the CPU away for tens of milliseconds; that shows in the first figure, not the second,
 * which is what the node and n8n cost other executions.
 */
export class StallMonitor {
	private longestWallMs = 0;
	private longestBusyMs = 0;
	private lastAt = performance.now();
	private lastCpu = process.cpuUsage();
	private readonly timer: NodeJS.Timeout;

	constructor(private readonly intervalMs = 5) {
		this.timer = setInterval(() => this.tick(), intervalMs);
	}

	stop(): { wallMs: number; busyMs: number } {
		clearInterval(this.timer);
		this.tick();
		return { wallMs: this.longestWallMs, busyMs: this.longestBusyMs };
	}

	private tick(): void {
		const now = performance.now();
		const gapMs = now - this.lastAt - this.intervalMs;
		const cpuMs = cpuMsSince(this.lastCpu);
		this.longestWallMs = Math.max(this.longestWallMs, gapMs);
		this.longestBusyMs = Math.max(this.longestBusyMs, Math.min(gapMs, cpuMs - this.intervalMs));
		this.lastAt = now;
		this.lastCpu = process.cpuUsage();
	}
}

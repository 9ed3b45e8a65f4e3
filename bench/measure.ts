/** Memory and CPU measurement of this process (the engine and the node; the fake runs elsewhere). */
import { readFileSync, writeFileSync } from 'node:fs';

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

/**
 * Scenario 4: what the node and n8n's engine cost per item, with nothing to wait for: instant
 * tasks, first read at once, no download. The fake runs in its own process, so this process's
 * CPU time is the engine's and the node's (plus the harness's credential resolution, as n8n's).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import type { RemoteFake } from '../fake/remoteFake';
import { runKling, succeeded } from '../kling';
import type { MemoryPeaks } from '../measure';
import { MemorySampler, collectGarbage, cpuMsSince, mb, secs } from '../measure';
import type { Section } from '../report';

export const OVERHEAD_OPTIONS = {
	firstPollDelay: 0,
	pollInterval: 0.1,
	timeout: 120,
	requestTimeout: 10,
	download: false,
	maxConcurrency: 100,
	maxRequestsPerSecond: 0,
};
const TARGET_CPU_MS_PER_ITEM = 1;
const TARGET_STALL_MS = 50;
/** Measured runs after the first; the median is the steady-state figure (a long-running n8n is warm). */
const MEASURED_RUNS = 5;

interface Measurement {
	cpuMs: number;
	fakeCpuMs: number;
	wallMs: number;
	ok: number;
	outputs: number;
	submits: number;
	statusReads: number;
	memory: MemoryPeaks;
	maxLoopDelayMs: number;
}

/**
 * One run. Only the first collects garbage before it (for a clean memory baseline): a forced GC
 * shrinks the heap, and growing it back costs the next run CPU that a running n8n does not pay.
 */
async function measureOnce(fake: RemoteFake, items: number, first: boolean): Promise<Measurement> {
	const baseUrl = await fake.start({ taskDurationMs: 0 });
	const fakeCpu = (await fake.stats()).cpu;
	if (first) collectGarbage();
	const loop = monitorEventLoopDelay({ resolution: 10 });
	loop.enable();
	const sampler = new MemorySampler(20);
	const cpu = process.cpuUsage();
	const run = await runKling({ baseUrl, items, options: OVERHEAD_OPTIONS });
	const cpuMs = cpuMsSince(cpu);
	const memory = sampler.stop();
	loop.disable();
	const stats = await fake.stats();
	await fake.close();
	return {
		cpuMs,
		fakeCpuMs: (stats.cpu.user + stats.cpu.system - fakeCpu.user - fakeCpu.system) / 1000,
		wallMs: run.wallMs,
		ok: succeeded(run.output),
		outputs: run.output.length,
		submits: stats.submits,
		statusReads: stats.statusReads,
		memory,
		maxLoopDelayMs: loop.max / 1e6,
	};
}

export async function overheadScenario(fake: RemoteFake, items: number): Promise<Section> {
	const first = await measureOnce(fake, items, true);
	const runs: Measurement[] = [];
	for (let i = 0; i < MEASURED_RUNS; i++) runs.push(await measureOnce(fake, items, false));
	const median = [...runs].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(runs.length / 2)];
	const all = [first, ...runs];

	const perItem = median.cpuMs / items;
	const requests = median.submits + median.statusReads;
	const ok = Math.min(...all.map((m) => m.ok));
	const peakRss = Math.max(...all.map((m) => m.memory.peakRss));
	const rssGrowth = Math.max(...all.map((m) => m.memory.peakRss - m.memory.baselineRss));
	const peakHeap = Math.max(...all.map((m) => m.memory.peakHeapUsed));
	const heapGrowth = Math.max(...all.map((m) => m.memory.peakHeapUsed - m.memory.baselineHeapUsed));
	const kernelPeak = Math.max(...all.map((m) => m.memory.kernelPeakRss ?? 0));
	const longestStall = Math.max(...all.map((m) => m.maxLoopDelayMs));
	const scenario = `4. Overhead, ${items} instant tasks`;
	return {
		title: '4. Overhead',
		setup:
			`${items} items, taskDurationMs 0, firstPollDelay 0, download off, maxConcurrency ${OVERHEAD_OPTIONS.maxConcurrency}, ` +
			'maxRequestsPerSecond 0. CPU = process.cpuUsage() of the bench process around the workflow run (the fake APIXO server ' +
			`runs in a child process; its CPU is shown apart). ${MEASURED_RUNS + 1} runs back to back: the first (cold JIT) is shown ` +
			'for information, the target applies to the median of the others (a long-running n8n is warm). Memory sampled every ' +
			'20 ms (growth measured from a forced GC before the first run); the kernel’s peak (VmHWM) cross-checks the sampled peak.',
		rows: [
			{ scenario, metric: 'items succeeded (every run)', measured: `${ok} / ${items}`, target: `${items} / ${items}`, pass: ok === items && all.every((m) => m.outputs === items) },
			{
				scenario,
				metric: 'node + engine CPU per item (warm, median)',
				measured: `${perItem.toFixed(2)} ms (${secs(median.cpuMs)} total; ${(median.cpuMs / requests).toFixed(2)} ms per HTTP request; runs: ${runs.map((m) => (m.cpuMs / items).toFixed(2)).join(', ')})`,
				target: `< ${TARGET_CPU_MS_PER_ITEM} ms`,
				pass: perItem < TARGET_CPU_MS_PER_ITEM,
			},
			{ scenario, metric: 'CPU per item, first run in the process (cold)', measured: `${(first.cpuMs / items).toFixed(2)} ms` },
			{
				scenario,
				metric: 'requests, wall time, fake server CPU (median run)',
				measured: `${median.submits} submits + ${median.statusReads} status reads; ${secs(median.wallMs)} wall; fake ${secs(median.fakeCpuMs)} CPU`,
			},
			{
				scenario,
				metric: 'peak RSS / heapUsed (all runs)',
				measured:
					`${mb(peakRss)} (+${mb(rssGrowth)}) / ${mb(peakHeap)} (+${mb(heapGrowth)})` +
					(kernelPeak ? `; kernel VmHWM ${mb(kernelPeak)}` : ''),
			},
			{
				scenario,
				metric: 'longest event-loop stall',
				measured: `${longestStall.toFixed(0)} ms (other executions of the same n8n wait this long; runs: ${all.map((m) => m.maxLoopDelayMs.toFixed(0)).join(', ')} ms)`,
				target: `< ${TARGET_STALL_MS} ms`,
				pass: longestStall < TARGET_STALL_MS,
			},
		],
	};
}

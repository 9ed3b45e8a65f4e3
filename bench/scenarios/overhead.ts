/**
 * Scenario 4: what the node and n8n's engine cost per item, with nothing to wait for: instant
 * tasks, first read at once, no download. The fake runs in its own process, so this process's
 * CPU time is the engine's and the node's (plus the harness's credential resolution, as n8n's).
 */
import type { RemoteFake } from '../fake/remoteFake';
import { runHttpProbe, runKling, succeeded } from '../kling';
import type { MemoryPeaks } from '../measure';
import { MemorySampler, StallMonitor, collectGarbage, cpuMsSince, mb, secs } from '../measure';
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
	stall: { wallMs: number; busyMs: number };
}

/**
 * One run. Only the first collects garbage before it (for a clean memory baseline): a forced GC
 * shrinks the heap, and growing it back costs the next run CPU that a running n8n does not pay.
 */
async function measureOnce(fake: RemoteFake, items: number, first: boolean): Promise<Measurement> {
	const baseUrl = await fake.start({ taskDurationMs: 0 });
	const fakeCpu = (await fake.stats()).cpu;
	if (first) collectGarbage();
	const stalls = new StallMonitor();
	const sampler = new MemorySampler(20);
	const cpu = process.cpuUsage();
	const run = await runKling({ baseUrl, items, options: OVERHEAD_OPTIONS });
	const cpuMs = cpuMsSince(cpu);
	const memory = sampler.stop();
	const stall = stalls.stop();
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
		stall,
	};
}

/** CPU of the same requests through n8n's HTTP helper with no Kling node around them (bench/httpProbe.ts). */
async function probeOnce(fake: RemoteFake, items: number): Promise<number> {
	const baseUrl = await fake.start({ taskDurationMs: 0 });
	const cpu = process.cpuUsage();
	const run = await runHttpProbe(baseUrl, items);
	const cpuMs = cpuMsSince(cpu);
	const stats = await fake.stats();
	await fake.close();
	if (stats.acceptedSubmits !== items || stats.statusReads !== items || run.output.length !== items) {
		throw new Error(`HTTP probe: ${stats.acceptedSubmits} submits, ${stats.statusReads} reads for ${items} items`);
	}
	return cpuMs;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function overheadScenario(fake: RemoteFake, items: number): Promise<Section> {
	const first = await measureOnce(fake, items, true);
	const runs: Measurement[] = [];
	for (let i = 0; i < MEASURED_RUNS; i++) runs.push(await measureOnce(fake, items, false));
	const typical = [...runs].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(runs.length / 2)];
	const all = [first, ...runs];
	await probeOnce(fake, items);
	const probes: number[] = [];
	for (let i = 0; i < MEASURED_RUNS; i++) probes.push(await probeOnce(fake, items));
	const probeMs = median(probes);

	const perItem = typical.cpuMs / items;
	const ownPerItem = (typical.cpuMs - probeMs) / items;
	const requests = typical.submits + typical.statusReads;
	const ok = Math.min(...all.map((m) => m.ok));
	const peakRss = Math.max(...all.map((m) => m.memory.peakRss));
	const rssGrowth = Math.max(...all.map((m) => m.memory.peakRss - m.memory.baselineRss));
	const peakHeap = Math.max(...all.map((m) => m.memory.peakHeapUsed));
	const heapGrowth = Math.max(...all.map((m) => m.memory.peakHeapUsed - m.memory.baselineHeapUsed));
	const kernelPeak = Math.max(...all.map((m) => m.memory.kernelPeakRss ?? 0));
	const longestStall = Math.max(...all.map((m) => m.stall.busyMs));
	const longestWallStall = Math.max(...all.map((m) => m.stall.wallMs));
	const scenario = `4. Overhead, ${items} instant tasks`;
	return {
		title: '4. Overhead',
		setup:
			`${items} items, taskDurationMs 0, firstPollDelay 0, download off, maxConcurrency ${OVERHEAD_OPTIONS.maxConcurrency}, ` +
			'maxRequestsPerSecond 0. CPU = process.cpuUsage() of the bench process around the workflow run (the fake APIXO server ' +
			'runs in a child process; its CPU is shown apart). The node’s own CPU is the total minus that of a bench-only node ' +
			'(bench/httpProbe.ts) sending the same submit and status read per item through the same n8n helper, 24 at once, ' +
			`median of ${MEASURED_RUNS} runs after one warm-up. Stalls: a 5 ms timer; a gap counts as a stall for as long as this ` +
			`process used the CPU in it. ${MEASURED_RUNS + 1} runs back to back: CPU figures are the median of the runs after the ` +
			'first (a long-running n8n is warm; the first, cold JIT, is shown for information); the stall target holds for every run, the first included. Memory sampled every ' +
			'20 ms (growth measured from a forced GC before the first run); the kernel’s peak (VmHWM) cross-checks the sampled peak.',
		rows: [
			{ scenario, metric: 'items succeeded (every run)', measured: `${ok} / ${items}`, target: `${items} / ${items}`, pass: ok === items && all.every((m) => m.outputs === items) },
			{
				scenario,
				metric: 'the node’s own CPU per item (warm, median): total − the same requests alone',
				measured: `${ownPerItem.toFixed(2)} ms (${secs(typical.cpuMs)} − ${secs(probeMs)})`,
				target: `< ${TARGET_CPU_MS_PER_ITEM} ms`,
				pass: ownPerItem < TARGET_CPU_MS_PER_ITEM,
			},
			{
				scenario,
				metric: 'total CPU per item: node + n8n engine + n8n HTTP stack (warm, median)',
				measured: `${perItem.toFixed(2)} ms (${(typical.cpuMs / requests).toFixed(2)} ms per HTTP request; runs: ${runs.map((m) => (m.cpuMs / items).toFixed(2)).join(', ')})`,
			},
			{
				scenario,
				metric: 'n8n alone: the same 2 requests per item through httpRequestWithAuthentication, no Kling node',
				measured: `${(probeMs / items).toFixed(2)} ms per item, ${(probeMs / (2 * items)).toFixed(2)} ms per request (runs: ${probes.map((ms) => (ms / items).toFixed(2)).join(', ')}): the floor for any node that uses n8n's HTTP helper`,
			},
			{ scenario, metric: 'CPU per item, first run in the process (cold)', measured: `${(first.cpuMs / items).toFixed(2)} ms` },
			{
				scenario,
				metric: 'requests, wall time, fake server CPU (median run)',
				measured: `${typical.submits} submits + ${typical.statusReads} status reads; ${secs(typical.wallMs)} wall; fake ${secs(typical.fakeCpuMs)} CPU`,
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
				metric: 'longest event-loop stall, this process on the CPU',
				measured: `${longestStall.toFixed(0)} ms (other executions of the same n8n wait this long; runs: ${all.map((m) => m.stall.busyMs.toFixed(0)).join(', ')} ms)`,
				target: `< ${TARGET_STALL_MS} ms`,
				pass: longestStall < TARGET_STALL_MS,
			},
			{
				scenario,
				metric: 'longest gap between timer ticks, wall clock (includes time the kernel gave the CPU to other processes)',
				measured: `${longestWallStall.toFixed(0)} ms (runs: ${all.map((m) => m.stall.wallMs.toFixed(0)).join(', ')} ms)`,
			},
		],
	};
}

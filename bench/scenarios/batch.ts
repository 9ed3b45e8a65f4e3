/**
 * Scenario 1: a batch takes about as long as its slowest video, and polls no more than the
 * poll settings ask for.
 */
import type { RemoteFake } from '../fake/remoteFake';
import { runKling, succeeded } from '../kling';
import { cpuMsSince, secs } from '../measure';
import type { Row, Section } from '../report';

export const BATCH_POLL = { firstPollDelay: 0.5, pollInterval: 0.1 };
/** The node's defaults (adaptive pacing, Max Concurrency 10) except poll times scaled to the fake's. */
export const BATCH_OPTIONS = { ...BATCH_POLL, timeout: 60 };
const MIN_MS = 1000;
const MAX_MS = 3000;
/** Coprime with every batch size used, so (i · STRIDE) mod n visits each slot once. */
const STRIDE = 7;

/**
 * Render times spread evenly over [1 s, 3 s] and shuffled deterministically by item index, so
 * the slowest video is not always the last one submitted. A single item takes the full 3 s.
 */
export function spreadDurations(n: number, minMs = MIN_MS, maxMs = MAX_MS): number[] {
	if (n === 1) return [maxMs];
	return Array.from({ length: n }, (_, i) => Math.round(minMs + ((maxMs - minMs) * ((i * STRIDE) % n)) / (n - 1)));
}

/** Reads a task of duration d needs at best: the first after firstPollDelay, then one per interval. */
export function idealReads(durationMs: number, firstPollDelayMs: number, pollIntervalMs: number): number {
	return 1 + Math.max(0, Math.ceil((durationMs - firstPollDelayMs) / pollIntervalMs));
}

/** The last task's end when submits go out in item order at exactly `perSecond`. */
export function submitOrderFloorMs(durations: number[], perSecond: number): number {
	return Math.max(...durations.map((duration, i) => (i * 1000) / perSecond + duration));
}

export async function batchScenario(fake: RemoteFake, sizes: number[]): Promise<Section> {
	const rows: Row[] = [];
	const firstMs = BATCH_POLL.firstPollDelay * 1000;
	const intervalMs = BATCH_POLL.pollInterval * 1000;
	for (const n of sizes) {
		const durations = spreadDurations(n);
		const baseUrl = await fake.start({ durationsByItem: durations });
		const cpu = process.cpuUsage();
		const run = await runKling({ baseUrl, items: n, options: BATCH_OPTIONS });
		const cpuMs = cpuMsSince(cpu);
		const stats = await fake.stats();
		await fake.close();

		const slowest = Math.max(...durations);
		const ratio = run.wallMs / slowest;
		const allowed = 1.15 * slowest + intervalMs;
		const reads = new Map(stats.statusReadsByTask);
		const readRatios = stats.tasks.map((task) => (reads.get(task.taskId) ?? 0) / idealReads(durations[task.item], firstMs, intervalMs));
		const meanReads = readRatios.reduce((sum, r) => sum + r, 0) / Math.max(1, readRatios.length);
		const maxReads = Math.max(...readRatios);
		const lastSubmit = Math.max(...stats.tasks.map((task) => task.createTime)) - run.startedAt;
		const lastReady = Math.max(...stats.tasks.map((task) => task.readyAt)) - run.startedAt;
		const ok = succeeded(run.output);

		const scenario = `1. Batch, ${n} item${n === 1 ? '' : 's'}`;
		rows.push(
			{ scenario, metric: 'items succeeded', measured: `${ok} / ${n}`, target: `${n} / ${n}`, pass: ok === n && run.output.length === n },
			{
				scenario,
				metric: 'wall ÷ slowest task',
				measured: `${ratio.toFixed(3)} (${secs(run.wallMs)} ÷ ${secs(slowest)})`,
				target: `wall ≤ 1.15 × slowest + pollInterval = ${secs(allowed)}`,
				pass: run.wallMs <= allowed,
			},
			{
				scenario,
				metric: 'status reads ÷ ideal, mean / max',
				measured: `${meanReads.toFixed(3)} / ${maxReads.toFixed(3)} (${stats.statusReads} reads)`,
				target: 'max ≤ 1.2',
				pass: maxReads <= 1.2,
			},
			{ scenario, metric: 'submits', measured: String(stats.submits), target: `= items (${n})`, pass: stats.submits === n },
			{
				scenario,
				metric: 'where the time went',
				measured:
					`last submit +${lastSubmit} ms, last video ready +${secs(lastReady)}, wall − last ready ${(run.wallMs - lastReady).toFixed(0)} ms; ` +
					`node CPU ${secs(cpuMs)} (${((100 * cpuMs) / run.wallMs).toFixed(0)}% of one core)`,
			},
		);
	}
	return {
		title: '1. Batch',
		setup:
			`task times spread evenly over [1 s, 3 s] by item index (one item: 3 s); firstPollDelay ${BATCH_POLL.firstPollDelay} s, ` +
			`pollInterval ${BATCH_POLL.pollInterval} s, timeout 60 s, every other option at its default (adaptive pacing, maxConcurrency 10, ` +
			`download on); ideal reads for a task of d s = 1 + ceil((d − firstPollDelay) / pollInterval).`,
		rows,
	};
}

/**
 * Scenario 6: status reads per task when the first read follows APIXO's latency table (First
 * Poll Delay left out) against a fixed 60 s first read, both then every 10 s (the defaults).
 * Computed, not run: real render times are minutes, and the schedule is the node's own function.
 * Render times are spread evenly over the table's "typical generation time" for each length.
 */
import { firstReadDelayMs } from '../../nodes/shared/wait/firstRead';
import type { Row, Section } from '../report';

const INTERVAL_MS = 10_000;
const FIXED_FIRST_MS = 60_000;
const SAMPLES = 31;
/** APIXO's latency table: video length range → typical generation time range (s). */
const TYPICAL = [
	{ lengths: [3, 4, 5], renderS: [60, 90] },
	{ lengths: [6, 7, 8, 9, 10], renderS: [90, 120] },
	{ lengths: [11, 12, 13, 14, 15], renderS: [120, 180] },
];

/** Reads until one sees the video ready, and how long after it was ready that read came. */
function schedule(firstMs: number, renderMs: number): { reads: number; lateMs: number } {
	const later = Math.max(0, Math.ceil((renderMs - firstMs) / INTERVAL_MS));
	return { reads: 1 + later, lateMs: firstMs + later * INTERVAL_MS - renderMs };
}

export function firstPollScenario(): Section {
	const rows: Row[] = [];
	for (const { lengths, renderS } of TYPICAL) {
		const runs = lengths.flatMap((seconds) =>
			Array.from({ length: SAMPLES }, (_, i) => {
				const renderMs = 1000 * (renderS[0] + ((renderS[1] - renderS[0]) * i) / (SAMPLES - 1));
				return { table: schedule(firstReadDelayMs(seconds), renderMs), fixed: schedule(FIXED_FIRST_MS, renderMs) };
			}),
		);
		const mean = (pick: (run: (typeof runs)[number]) => number) => runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
		const tableReads = mean((run) => run.table.reads);
		const fixedReads = mean((run) => run.fixed.reads);
		const scenario = `6. First read, ${lengths[0]}–${lengths[lengths.length - 1]} s videos (render ${renderS[0]}–${renderS[1]} s)`;
		rows.push(
			{
				scenario,
				metric: 'reads per task: latency table ÷ fixed 60 s',
				measured: `${(tableReads / fixedReads).toFixed(3)} (${tableReads.toFixed(2)} ÷ ${fixedReads.toFixed(2)})`,
				target: '≤ 1',
				pass: tableReads <= fixedReads,
			},
			{
				scenario,
				metric: 'mean wait from ready to the read that sees it: table / fixed',
				measured: `${(mean((run) => run.table.lateMs) / 1000).toFixed(1)} s / ${(mean((run) => run.fixed.lateMs) / 1000).toFixed(1)} s`,
				target: 'equal',
				pass: Math.abs(mean((run) => run.table.lateMs) - mean((run) => run.fixed.lateMs)) < 1,
			},
		);
	}
	return {
		title: '6. First read by the latency table',
		setup:
			`computed from the node's firstReadDelayMs (nodes/shared/wait/firstRead.ts), poll interval ${INTERVAL_MS / 1000} s, ` +
			`render times spread evenly (${SAMPLES} points) over APIXO's typical generation time for each length; ` +
			'reads per task = 1 + ceil((render − first read) ÷ interval).',
		rows,
	};
}

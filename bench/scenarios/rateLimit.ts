/**
 * Scenario 2: APIXO enforces R requests per second. Every item must still succeed; the node's
 * own pacing (maxRequestsPerSecond) should keep it under R instead of leaning on 429s.
 */
import type { RemoteFake } from '../fake/remoteFake';
import { runKling, succeeded } from '../kling';
import { secs } from '../measure';
import type { Row, Section } from '../report';
import { BATCH_OPTIONS, spreadDurations } from './batch';

const R = 20;

interface Variant {
	label: string;
	/** undefined: the node's default (10). */
	maxRequestsPerSecond?: number;
}

const VARIANTS: Variant[] = [
	{ label: 'default pacing (maxRequestsPerSecond 10)' },
	{ label: `pacing matched to R (maxRequestsPerSecond ${R})`, maxRequestsPerSecond: R },
	{ label: 'unpaced (maxRequestsPerSecond 0), for contrast', maxRequestsPerSecond: 0 },
];

export async function rateLimitScenario(
	fake: RemoteFake,
	items: number,
	unlimitedWallMs: number | undefined,
	log: (text: string) => void,
): Promise<Section> {
	const rows: Row[] = [];
	const durations = spreadDurations(items);
	for (const variant of VARIANTS) {
		log(`  rate limit ${R}/s, ${variant.label}`);
		const baseUrl = await fake.start({ durationsByItem: durations, rateLimitPerSecond: R });
		const { maxRequestsPerSecond: _, ...options } = BATCH_OPTIONS;
		const run = await runKling({
			baseUrl,
			items,
			options: {
				...options,
				timeout: 300,
				...(variant.maxRequestsPerSecond !== undefined && { maxRequestsPerSecond: variant.maxRequestsPerSecond }),
			},
			continueOnFail: true,
		});
		const stats = await fake.stats();
		await fake.close();

		const ok = succeeded(run.output);
		const requests = stats.submits + stats.statusReads;
		const floorMs = ((stats.acceptedSubmits + stats.tasks.length) / R) * 1000;
		const scenario = `2. Rate limit ${R}/s, ${items} items, ${variant.label}`;
		const firstError = run.output.find((item) => item.json.error)?.json.error;
		rows.push(
			{
				scenario,
				metric: 'items succeeded',
				measured: `${ok} / ${items}${firstError ? ` (first error: ${String(firstError)})` : ''}`,
				target: `${items} / ${items}`,
				pass: ok === items,
			},
			{
				scenario,
				metric: '429s received',
				measured:
					`${stats.rateLimited} (${((100 * stats.rateLimited) / requests).toFixed(1)}% of ${requests} API requests: ` +
					`${stats.submits} submits, ${stats.statusReads} status reads)`,
			},
			{
				scenario,
				metric: 'total time vs. no limit',
				measured:
					`${secs(run.wallMs)}` +
					(unlimitedWallMs ? ` = ${(run.wallMs / unlimitedWallMs).toFixed(1)} × the unlimited ${items}-item batch (${secs(unlimitedWallMs)})` : '') +
					`; floor at ${R}/s for one submit + one read per task: ${secs(floorMs)}`,
			},
		);
	}
	return {
		title: '2. Rate limit',
		setup:
			`the fake answers 429 (Retry-After: 1) beyond ${R} API requests per second (sliding window); ${items} items, task times ` +
			`over [1 s, 3 s], same poll settings as the batch (firstPollDelay ${BATCH_OPTIONS.firstPollDelay} s, pollInterval ` +
			`${BATCH_OPTIONS.pollInterval} s, maxConcurrency ${BATCH_OPTIONS.maxConcurrency}), timeout 300 s, Continue On Fail on ` +
			'(so a failed item is counted, not fatal). Downloads are not rate limited (a CDN in the real API).',
		rows,
	};
}

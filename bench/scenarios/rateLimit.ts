/**
 * Scenario 2: APIXO enforces a limit R the node is not told. With default options the node must
 * find it: every item succeeds, in about the time the limit allows, with few 429s.
 */
import type { RemoteFake } from '../fake/remoteFake';
import { runKling, succeeded } from '../kling';
import { secs } from '../measure';
import type { Row, Section } from '../report';
import { BATCH_OPTIONS, spreadDurations, submitOrderFloorMs } from './batch';

/** Each limit with its batch size: enough requests that the limit, not the render time, decides. */
export const LIMITS = [
	{ perSecond: 5, items: 50 },
	{ perSecond: 20, items: 200 },
	{ perSecond: 100, items: 200 },
];
const TIME_FACTOR = 1.15;
const MAX_429_SHARE = 0.05;

interface Variant {
	label: string;
	/** undefined: the node's default (adaptive). */
	maxRequestsPerSecond?: number;
}

async function runAgainstLimit(fake: RemoteFake, perSecond: number, items: number, variant: Variant) {
	const baseUrl = await fake.start({ durationsByItem: spreadDurations(items), rateLimitPerSecond: perSecond });
	const run = await runKling({
		baseUrl,
		items,
		options: { ...BATCH_OPTIONS, timeout: 300, ...(variant.maxRequestsPerSecond !== undefined && { maxRequestsPerSecond: variant.maxRequestsPerSecond }) },
		continueOnFail: true,
	});
	const stats = await fake.stats();
	await fake.close();
	return { run, stats, requests: stats.submits + stats.statusReads };
}

/**
 * The floor for R, the shortest run any client that keeps to R and submits in input order can
 * have: never less than one submit and one status read per task at exactly R, nor than the
 * submits going out in item order at exactly R, each task then rendering its full time.
 */
export async function rateLimitScenario(fake: RemoteFake, log: (text: string) => void): Promise<Section> {
	const rows: Row[] = [];
	for (const { perSecond, items } of LIMITS) {
		const requestsFloorMs = (2 * items * 1000) / perSecond;
		const floorMs = Math.max(requestsFloorMs, submitOrderFloorMs(spreadDurations(items), perSecond));
		for (const variant of [
			{ label: 'default options (adaptive)' },
			{ label: `told the limit (maxRequestsPerSecond ${perSecond}), for contrast`, maxRequestsPerSecond: perSecond },
		] as Variant[]) {
			log(`  rate limit ${perSecond}/s, ${items} items, ${variant.label}`);
			const { run, stats, requests } = await runAgainstLimit(fake, perSecond, items, variant);
			const ok = succeeded(run.output);
			const share = stats.rateLimited / requests;
			const adaptive = variant.maxRequestsPerSecond === undefined;
			const scenario = `2. Unknown limit ${perSecond}/s, ${items} items, ${variant.label}`;
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
					metric: 'total ÷ floor for R',
					measured: `${(run.wallMs / floorMs).toFixed(3)} (${secs(run.wallMs)} ÷ ${secs(floorMs)})`,
					...(adaptive && { target: `≤ ${TIME_FACTOR}`, pass: run.wallMs <= TIME_FACTOR * floorMs }),
				},
				{
					scenario,
					metric: 'total ÷ requests alone at R (2 × items ÷ R)',
					measured: `${(run.wallMs / requestsFloorMs).toFixed(3)} (${secs(run.wallMs)} ÷ ${secs(requestsFloorMs)})`,
				},
				{
					scenario,
					metric: '429s ÷ requests',
					measured: `${(100 * share).toFixed(1)} % (${stats.rateLimited} of ${requests}: ${stats.submits} submits, ${stats.statusReads} status reads)`,
					...(adaptive && { target: `≤ ${100 * MAX_429_SHARE} %`, pass: share <= MAX_429_SHARE }),
				},
			);
		}
	}
	return {
		title: '2. Unknown rate limit',
		setup:
			`the fake answers 429 (Retry-After: 1) beyond R API requests per second (sliding one-second window); R and batch size ` +
			`${LIMITS.map((l) => `${l.perSecond}/s × ${l.items}`).join(', ')}; task times over [1 s, 3 s]; the batch's poll settings ` +
			`(firstPollDelay ${BATCH_OPTIONS.firstPollDelay} s, pollInterval ${BATCH_OPTIONS.pollInterval} s), timeout 300 s, every other ` +
			'option at its default, Continue On Fail on. Floor for R = max(2 × items ÷ R: one submit and one read per task at ' +
			'exactly R; submits in item order at exactly R, each task then rendering its full time: max over items of ' +
			'(i ÷ R + render time)), the shortest run of any client that keeps to R. Downloads are not rate limited (a CDN in the real API).',
		rows,
	};
}

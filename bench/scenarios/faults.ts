/**
 * Scenario 3: the fault matrix. Each fault hits a batch with Continue On Fail on; every input
 * item must come out as a video or as a clear error, and no task may be paid for twice.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { Fault, FaultAction, FaultEvery } from '../../test/fake-apixo';
import type { StatsSnapshot } from '../fake/protocol';
import type { RemoteFake } from '../fake/remoteFake';
import { pairedIndex, runKling } from '../kling';
import { secs } from '../measure';
import type { Row, Section } from '../report';
import { spreadDurations } from './batch';

const FAULT_OPTIONS = {
	firstPollDelay: 0.3,
	pollInterval: 0.1,
	timeout: 20,
	requestTimeout: 0.5,
	maxConcurrency: 20,
	maxRequestsPerSecond: 0,
	download: true,
};
const NEVER_FINISH_TIMEOUT_S = 4;
const SLOW_MS = 1000;

interface FaultCase {
	label: string;
	every?: FaultEvery;
	inject?: Fault;
	neverFinish?: number;
	/** Items whose task succeeds without a result URL. */
	noResultUrls?: number;
	/** Items that must fail by design: a submit whose outcome is unknown is never resent. */
	expectedFailures?: (items: number) => number;
}

const every = (on: FaultEvery['on'], n: number, fault: FaultAction): FaultEvery => ({ on, every: n, fault });
const tenth = (items: number) => Math.floor(items / 10);

const CASES: FaultCase[] = [
	{ label: '429 burst on submits (40 in a row, Retry-After 1 s)', inject: { on: 'submit', kind: 'http', status: 429, retryAfterSeconds: 1, times: 40 } },
	{ label: '429 burst on status reads (100 in a row, Retry-After 1 s)', inject: { on: 'status', kind: 'http', status: 429, retryAfterSeconds: 1, times: 100 } },
	{ label: '500 on every 3rd status read', every: every('status', 3, { kind: 'http', status: 500 }) },
	{ label: '502 on every 3rd status read', every: every('status', 3, { kind: 'http', status: 502 }) },
	{ label: '504 on every 3rd status read', every: every('status', 3, { kind: 'http', status: 504 }) },
	{ label: '500 on every 4th submit (not taken: resent)', every: every('submit', 4, { kind: 'http', status: 500 }) },
	{ label: '502 on every 4th submit (not taken: resent)', every: every('submit', 4, { kind: 'http', status: 502 }) },
	{ label: '504 on every 10th submit, task taken (outcome unknown: not resent)', every: every('submit', 10, { kind: 'http', status: 504, acceptAnyway: true }), expectedFailures: tenth },
	{ label: 'connection reset on every 4th status read', every: every('status', 4, { kind: 'reset' }) },
	{ label: 'connection reset on every 10th submit, task taken (not resent)', every: every('submit', 10, { kind: 'reset', acceptAnyway: true }), expectedFailures: tenth },
	{ label: 'connection reset on every 10th submit, task not taken (not resent)', every: every('submit', 10, { kind: 'reset' }), expectedFailures: tenth },
	{ label: 'malformed JSON on every 4th status read', every: every('status', 4, { kind: 'malformedJson' }) },
	{ label: 'malformed JSON on every 10th submit, task taken (not resent)', every: every('submit', 10, { kind: 'malformedJson' }), expectedFailures: tenth },
	{ label: `status answers after ${SLOW_MS} ms > request timeout, every 5th`, every: every('status', 5, { kind: 'delay', ms: SLOW_MS }) },
	{ label: `submit answers after ${SLOW_MS} ms > request timeout, every 10th, task taken (not resent)`, every: every('submit', 10, { kind: 'delay', ms: SLOW_MS }), expectedFailures: tenth },
	// A burst, not every Nth: downloads get 3 attempts, so a steady 20% reset rate would fail
	// about 0.8% of items by chance (as a clear error with the task ID and URL, never lost).
	{ label: 'connection reset on 20 downloads in a row', inject: { on: 'download', kind: 'reset', times: 20 } },
	{ label: `5 tasks never finish (node timeout ${NEVER_FINISH_TIMEOUT_S} s)`, neverFinish: 5, expectedFailures: () => 5 },
	// The dialects of APIXO's other pages: an HTTP 200 whose body code is the error, its own 503.
	{ label: 'HTTP 200 + {"code":429} on every 4th submit (not taken: resent)', every: every('submit', 4, { kind: 'errorBody', code: 429, message: 'rate limit exceeded' }) },
	{ label: 'HTTP 200 + {"code":402} on every 10th submit (refused: nothing paid)', every: every('submit', 10, { kind: 'errorBody', code: 402 }), expectedFailures: tenth },
	{ label: 'HTTP 200 + {"code":400,"message":"Insufficient credits"} on every 10th submit (refused)', every: every('submit', 10, { kind: 'errorBody', code: 400, message: 'Insufficient credits', data: null }), expectedFailures: tenth },
	{ label: 'HTTP 200 + {"code":500} on every 3rd status read', every: every('status', 3, { kind: 'errorBody', code: 500, message: 'internal error' }) },
	{ label: '503 model unavailable on every 4th submit (refused: resent)', every: every('submit', 4, { kind: 'http', status: 503 }) },
	{ label: '503 model unavailable on every 3rd status read', every: every('status', 3, { kind: 'http', status: 503 }) },
	{ label: '5 tasks succeed without a result URL (final error naming the task)', noResultUrls: 5, expectedFailures: () => 5 },
];

export interface Accounting {
	succeeded: number;
	failedClear: number;
	failedUnclear: number;
	failedWithTaskId: number;
	lost: number;
	paidTwice: number;
	resent: number;
}

/** Where each input item went: a video, a clear error, or nowhere (lost). */
export function account(items: number, output: INodeExecutionData[], stats: StatsSnapshot): Accounting {
	const taskOfItem = new Map<number, string>();
	for (const task of stats.tasks) taskOfItem.set(task.item, task.taskId);
	const seen = new Set<number>();
	const result: Accounting = { succeeded: 0, failedClear: 0, failedUnclear: 0, failedWithTaskId: 0, lost: 0, paidTwice: 0, resent: 0 };
	for (const item of output) {
		const index = pairedIndex(item);
		if (index === undefined || index < 0 || index >= items || seen.has(index)) continue;
		seen.add(index);
		const { json } = item;
		if (json.state === 'success' && !json.error) {
			result.succeeded++;
			continue;
		}
		const knownTask = taskOfItem.get(index);
		const named = typeof json.taskId === 'string' && json.taskId === knownTask;
		// Without a task ID the error must say the task may exist (unknown outcome) or no task exists.
		const clear =
			typeof json.error === 'string' && json.error.length > 0 &&
			typeof json.description === 'string' && json.description.length > 0 &&
			(named || json.state === 'unknown' || knownTask === undefined);
		if (clear) result.failedClear++;
		else result.failedUnclear++;
		if (named) result.failedWithTaskId++;
	}
	result.lost = items - seen.size;
	const tasksPerInput = new Map<string, number>();
	for (const task of stats.tasks) tasksPerInput.set(task.inputKey, (tasksPerInput.get(task.inputKey) ?? 0) + 1);
	result.paidTwice = [...tasksPerInput.values()].filter((count) => count > 1).length;
	result.resent = stats.submitsByTask.filter(([, count]) => count > 1).length;
	return result;
}

export async function faultScenario(fake: RemoteFake, items: number, log: (text: string) => void): Promise<Section> {
	const rows: Row[] = [];
	const durations = spreadDurations(items, 500, 1500);
	for (const fault of CASES) {
		log(`  ${fault.label}`);
		const spread = (count = 0) => Array.from({ length: count }, (_, k) => Math.floor((k * items) / count) + 3);
		const baseUrl = await fake.start({
			durationsByItem: durations,
			faultEvery: fault.every,
			neverFinishItems: spread(fault.neverFinish),
			noResultUrlItems: spread(fault.noResultUrls),
		});
		if (fault.inject) await fake.inject(fault.inject);
		const run = await runKling({
			baseUrl,
			items,
			options: { ...FAULT_OPTIONS, ...(fault.neverFinish && { timeout: NEVER_FINISH_TIMEOUT_S }) },
			continueOnFail: true,
		});
		const stats = await fake.stats();
		await fake.close();

		const a = account(items, run.output, stats);
		const expectedFailed = fault.expectedFailures?.(items) ?? 0;
		const expectedOk = items - expectedFailed;
		const pass = a.succeeded === expectedOk && a.failedClear === expectedFailed && a.failedUnclear === 0 && a.lost === 0 && a.paidTwice === 0;
		rows.push({
			scenario: `3. Faults, ${items} items`,
			metric: fault.label,
			measured:
				`${a.succeeded} / ${a.failedClear}${a.failedUnclear ? ` (+${a.failedUnclear} unclear)` : ''} / ${a.lost} / ${a.paidTwice}` +
				` (failed with taskId: ${a.failedWithTaskId}; uncharged resends: ${a.resent}; ${stats.submits} submits, ` +
				`${stats.statusReads} reads; ${secs(run.wallMs)})`,
			target: `${expectedOk} / ${expectedFailed} / 0 / 0`,
			pass,
		});
	}
	return {
		title: '3. Faults',
		setup:
			`${items} items per fault, task times over [0.5 s, 1.5 s], firstPollDelay ${FAULT_OPTIONS.firstPollDelay} s, pollInterval ` +
			`${FAULT_OPTIONS.pollInterval} s, requestTimeout ${FAULT_OPTIONS.requestTimeout} s, timeout ${FAULT_OPTIONS.timeout} s, ` +
			`maxConcurrency ${FAULT_OPTIONS.maxConcurrency}, unpaced, download on, Continue On Fail on (onError: continueRegularOutput). ` +
			'Measured = succeeded / failed with a clear error / lost / paid twice. A clear error has a non-empty error and description and ' +
			'names the task ID when the node had one; a submit whose outcome is unknown (504, reset, unreadable or late answer) is ' +
			'reported as state "unknown" and never resent, so those items are expected failures. "Paid twice" = more than one task ' +
			'created for the same input; "uncharged resends" = inputs sent again after an answer that proves APIXO did not take them ' +
			'(429, 500, 502, APIXO’s own 503, and the same codes in an HTTP 200 body).',
		rows,
	};
}

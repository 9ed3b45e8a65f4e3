import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { TaskProblem } from '../api/problem';
import type { ExecutionCustomData } from './executionMemory';
import { CUSTOM_DATA_VALUE_LENGTH, executionCustomData, runIndexOf } from './executionMemory';
import type { TaskToSubmit } from './submitTasks';

/** A task APIXO took for an item in an earlier try of this node: waited on, never paid again. */
export interface ReusedTask extends TaskToSubmit {
	taskId: string;
	submittedAt: number;
}

export interface PaymentPlan {
	toSubmit: TaskToSubmit[];
	reused: ReusedTask[];
	/** Items an earlier try may have paid for, whose task cannot be found: not sent again. */
	refused: Array<{ itemIndex: number; problem: TaskProblem }>;
}

type PaidEntry =
	| { kind: 'accepted'; taskId: string }
	/** The submit may have been taken (a timeout after sending, a 504). */
	| { kind: 'unknown' }
	/** The execution this one retries paid for it, but its task ID did not fit in custom data. */
	| { kind: 'paidWithoutTaskId' };

/** Entries of one run of one node, by item index and request fingerprint. */
type RunLedger = Map<string, PaidEntry>;

const MAX_REMEMBERED_RUNS = 500;

/** Custom data had no room left even for item numbers: hold back every item not listed. */
const EVERY_OTHER_ITEM = '*';

/**
 * What this node already paid for, so that n8n running it again never pays twice: Retry On
 * Fail calls execute() again in the same execution (kept in memory), and a retry from the
 * executions list starts from the failed execution's data, custom data included (kept there,
 * compactly, as far as 255 characters go). An item's entry is keyed by its position and by
 * what it asks APIXO to make, so an edited item is a new request.
 */
export class PaidTasks {
	private static readonly runs = new Map<string, RunLedger>();

	private constructor(
		private readonly ledger: RunLedger,
		private readonly runIndex: number,
		private readonly customData: ExecutionCustomData | undefined,
		private readonly customDataKey: string,
	) {}

	static open(ctx: IExecuteFunctions): PaidTasks {
		const node = ctx.getNode();
		const runIndex = runIndexOf(ctx);
		const runKey = `${ctx.getExecutionId()}\u0000${node.name}\u0000${runIndex}`;
		const customData = executionCustomData(ctx);
		const customDataKey = `apixo_${createHash('sha256').update(node.id ?? node.name).digest('hex').slice(0, 10)}`;
		let ledger = PaidTasks.runs.get(runKey);
		if (!ledger) {
			ledger = parseLedger(customData?.get(customDataKey), runIndex);
			PaidTasks.runs.set(runKey, ledger);
			if (PaidTasks.runs.size > MAX_REMEMBERED_RUNS) PaidTasks.runs.delete(PaidTasks.runs.keys().next().value!);
		}
		return new PaidTasks(ledger, runIndex, customData, customDataKey);
	}

	/** Splits a run's tasks into those to pay for, those already paid for, and those to hold back. */
	plan(tasks: TaskToSubmit[]): PaymentPlan {
		const plan: PaymentPlan = { toSubmit: [], reused: [], refused: [] };
		for (const task of tasks) {
			const entry =
				this.ledger.get(entryKey(task)) ?? this.ledger.get(`${task.itemIndex}:*`) ?? this.ledger.get(EVERY_OTHER_ITEM);
			if (!entry) plan.toSubmit.push(task);
			// Waited on afresh: the earlier try's deadline may have passed already.
			else if (entry.kind === 'accepted') plan.reused.push({ ...task, taskId: entry.taskId, submittedAt: Date.now() });
			else plan.refused.push({ itemIndex: task.itemIndex, problem: notResent(task, entry) });
		}
		return plan;
	}

	/** Remembered at once for Retry On Fail; written to custom data by `save()`. */
	accepted(task: TaskToSubmit, taskId: string): void {
		this.ledger.set(entryKey(task), { kind: 'accepted', taskId });
	}

	/** Remembered at once for Retry On Fail; written to custom data by `save()`. */
	unknownOutcome(task: TaskToSubmit): void {
		this.ledger.set(entryKey(task), { kind: 'unknown' });
	}

	/** APIXO failed the task, so it will not make the video: a new try may pay for it again. */
	taskFailed(taskId: string): void {
		for (const [key, entry] of this.ledger) {
			if (entry.kind === 'accepted' && entry.taskId === taskId) this.ledger.delete(key);
		}
		this.save();
	}

	/**
	 * Writes the ledger to the execution's custom data, which n8n stores only with the
	 * execution's data after the node, so once per batch of submits is as safe as once per task,
	 * and a thousand-item batch does not rewrite it a thousand times.
	 */
	save(): void {
		this.customData?.set(this.customDataKey, serializeLedger(this.ledger, this.runIndex));
	}
}

function entryKey(task: TaskToSubmit): string {
	return `${task.itemIndex}:${fingerprint(task)}`;
}

function fingerprint(task: TaskToSubmit): string {
	return createHash('sha256').update(JSON.stringify(task.input)).digest('base64url').slice(0, 6);
}

function notResent(task: TaskToSubmit, entry: Exclude<PaidEntry, { kind: 'accepted' }>): TaskProblem {
	const item = `item ${task.itemIndex + 1}`;
	if (entry.kind === 'unknown') {
		return {
			message: `Not sent again: an earlier try of ${item} may have been charged`,
			description:
				'APIXO may have created a task for this item on an earlier try (its answer never arrived), so it was not sent again, to avoid paying twice. Check the task list in your APIXO dashboard; if the task is there, use Task → Wait with its ID; if not, run the workflow anew.',
			state: 'unknown',
		};
	}
	return {
		message: `Not sent again: the execution this one retries already paid for ${item}`,
		description:
			'Its task ID is in the failed execution’s output, error or log (“APIXO task … submitted for item …”): pick the video up with Task → Wait. To pay for a new video instead, run the workflow anew rather than retrying the execution.',
		state: 'unknown',
	};
}

/**
 * `r<run>|<item>:<fingerprint>:<taskId or ?> …|<items without room for their entry>`, cut to
 * what custom data keeps. Items that did not fit are still listed, by index, so a retry holds
 * them back instead of paying again.
 */
function serializeLedger(ledger: RunLedger, runIndex: number): string {
	const head = `r${runIndex}|`;
	const entries: string[] = [];
	const overflow: number[] = [];
	const budget = CUSTOM_DATA_VALUE_LENGTH - 48;
	let length = head.length;
	for (const [key, entry] of ledger) {
		if (key === EVERY_OTHER_ITEM) return `${head}|${EVERY_OTHER_ITEM}`;
		const text = `${key}:${entry.kind === 'accepted' ? entry.taskId : '?'}`;
		if (entry.kind !== 'paidWithoutTaskId' && length + text.length + 1 <= budget) {
			entries.push(text);
			length += text.length + 1;
		} else {
			overflow.push(Number(key.split(':')[0]));
		}
	}
	const tail = compactRanges(overflow);
	const value = `${head}${entries.join(' ')}|${tail}`;
	return value.length <= CUSTOM_DATA_VALUE_LENGTH ? value : `${head}${entries.join(' ')}|${EVERY_OTHER_ITEM}`;
}

function parseLedger(value: string | undefined, runIndex: number): RunLedger {
	const ledger: RunLedger = new Map();
	const match = value?.match(/^r(\d+)\|([^|]*)\|(.*)$/);
	if (!match || Number(match[1]) !== runIndex) return ledger;
	for (const text of match[2].split(' ').filter(Boolean)) {
		const [item, print, taskId] = text.split(':');
		if (!item || !print || !taskId) continue;
		ledger.set(`${item}:${print}`, taskId === '?' ? { kind: 'unknown' } : { kind: 'accepted', taskId });
	}
	if (match[3] === EVERY_OTHER_ITEM) {
		ledger.set(EVERY_OTHER_ITEM, { kind: 'paidWithoutTaskId' });
		return ledger;
	}
	for (const item of expandRanges(match[3])) {
		ledger.set(`${item}:*`, { kind: 'paidWithoutTaskId' });
	}
	return ledger;
}

function compactRanges(indexes: number[]): string {
	const sorted = [...new Set(indexes)].sort((a, b) => a - b);
	const ranges: string[] = [];
	for (let start = 0; start < sorted.length; ) {
		let end = start;
		while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) end++;
		ranges.push(end === start ? `${sorted[start]}` : `${sorted[start]}-${sorted[end]}`);
		start = end + 1;
	}
	return ranges.join(',');
}

function* expandRanges(text: string): Generator<number> {
	for (const range of text.split(',').filter(Boolean)) {
		const [from, to] = range.split('-').map(Number);
		for (let item = from; item <= (to ?? from); item++) yield item;
	}
}

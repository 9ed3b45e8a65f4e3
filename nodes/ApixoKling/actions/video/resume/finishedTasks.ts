import { mapWithConcurrency } from '../../../../shared/concurrency';
import type { ApixoClient } from '../../../../shared/transport/client';
import { readStatus } from '../../../../shared/wait/readStatus';
import type { WaitOutcome } from '../../../../shared/wait/waitForTask';

/**
 * Tasks of a waiting execution already read as final. A final task stays final, so each
 * callback reads only what this process does not know yet: a batch costs about one read per
 * task, not one per task per callback. Only a cache: a restart or another webhook process
 * simply reads again.
 */
export class FinishedTasks {
	private static readonly byExecution = new Map<string, Map<string, WaitOutcome>>();
	private static readonly MAX_EXECUTIONS = 1000;

	static of(executionId: string): Map<string, WaitOutcome> {
		let finished = FinishedTasks.byExecution.get(executionId);
		if (!finished) {
			finished = new Map();
			FinishedTasks.byExecution.set(executionId, finished);
			if (FinishedTasks.byExecution.size > FinishedTasks.MAX_EXECUTIONS) {
				FinishedTasks.byExecution.delete(FinishedTasks.byExecution.keys().next().value!);
			}
		}
		return finished;
	}

	static forget(executionId: string): void {
		FinishedTasks.byExecution.delete(executionId);
	}
}

export type BatchReading =
	| { kind: 'final'; outcomes: Map<string, WaitOutcome> }
	| { kind: 'rendering'; remaining: number }
	| { kind: 'unreadable'; reason: string };

/** Rounds double up to this many reads side by side: a large batch's last callback still ends in seconds. */
const MAX_READS_PER_ROUND = 32;

/**
 * Reads, once each, the tasks not yet known final, the caller's first, in rounds of 1, 2, 4 …
 * reads, and stops at the first round that finds one still rendering: an early callback costs a
 * read or two and returns at once (n8n holds the waiting execution for the whole call), the last
 * one reads the rest quickly. Nothing here polls: the next callback is the next look.
 */
export async function readFinalStates(
	client: ApixoClient,
	tasks: Array<{ taskId: string }>,
	finished: Map<string, WaitOutcome>,
	readUntil: number,
	callerTaskId: string,
): Promise<BatchReading> {
	const unknown = tasks
		.map((task) => task.taskId)
		.filter((taskId) => !finished.has(taskId))
		.sort((a, b) => Number(b === callerTaskId) - Number(a === callerTaskId));
	for (let start = 0, size = 1; start < unknown.length; start += size, size = Math.min(size * 2, MAX_READS_PER_ROUND)) {
		if (Date.now() >= readUntil) return { kind: 'unreadable', reason: 'no time left to read the other tasks' };
		const round = unknown.slice(start, start + size);
		const readings = await mapWithConcurrency(round, size, async (taskId) => ({
			taskId,
			reading: await readStatus(client, taskId),
		}));
		let stillRendering = false;
		for (const { taskId, reading } of readings) {
			if (reading.kind === 'succeeded') finished.set(taskId, { ok: true, task: reading.task });
			else if (reading.kind === 'failed' || reading.kind === 'final') finished.set(taskId, { ok: false, problem: reading.problem });
			else if (reading.kind === 'running') stillRendering = true;
			else return { kind: 'unreadable', reason: reading.reason };
		}
		if (stillRendering) return { kind: 'rendering', remaining: tasks.length - finished.size };
	}
	return { kind: 'final', outcomes: finished };
}

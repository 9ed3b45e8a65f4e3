import { sleepUnlessCancelled } from '../sleepUnlessCancelled';

import type { TaskProblem } from '../api/problem';
import type { TaskState } from '../api/schemas';
import type { ApixoClient } from '../transport/client';
import { backoffMs } from '../transport/retry';
import type { FinishedTask } from './readStatus';
import { readStatus } from './readStatus';
import { firstReadDelayMs } from './firstRead';

export interface TaskToWaitFor {
	taskId: string;
	/** When APIXO took the task: the first poll and the deadline count from here. */
	submittedAt: number;
	/** The video's length (motion control: the reference's), for the first read by APIXO's latency table. */
	videoSeconds?: number;
}

export type WaitOutcome = { ok: true; task: FinishedTask } | { ok: false; problem: TaskProblem };

export interface PollSettings {
	/** Unset: by APIXO's latency table for the task's length (firstReadDelayMs). */
	firstPollDelayMs?: number;
	pollIntervalMs: number;
	timeoutMs: number;
}

/** A task APIXO no longer knows about will not come back: give up after this many reads. */
const MAX_CONSECUTIVE_FINAL_ANSWERS = 3;

/**
 * Polls one task: first after `firstPollDelayMs` (or when APIXO's latency table expects it),
 * then every `pollIntervalMs`, until `timeoutMs`. Callers wait for all their tasks side by side, so a batch takes about as long
 * as its slowest video. A status read changes nothing at APIXO, so every transient failure is
 * retried until the deadline; cancelling the execution rejects at once.
 */
export async function waitForTask(
	client: ApixoClient,
	task: TaskToWaitFor,
	settings: PollSettings,
): Promise<WaitOutcome> {
	const deadline = task.submittedAt + settings.timeoutMs;
	let nextReadAt = task.submittedAt + (settings.firstPollDelayMs ?? firstReadDelayMs(task.videoSeconds));
	let lastState: TaskState | 'unknown' = 'unknown';
	let lastTrouble = '';
	let failures = 0;
	let finalAnswers = 0;
	for (;;) {
		const now = Date.now();
		if (nextReadAt > deadline) nextReadAt = deadline;
		if (nextReadAt > now) await sleepUnlessCancelled(nextReadAt - now, client.cancelSignal);
		// APIXO's Retry-After holds every request back past the deadline: no read could be sent in time.
		if (client.heldUntil > deadline) {
			const trouble = retryAfterTrouble(client.heldUntil - Date.now());
			return { ok: false, problem: timedOut(task, settings, lastState, trouble) };
		}
		const reading = await readStatus(client, task.taskId);
		if (reading.kind === 'succeeded') return { ok: true, task: reading.task };
		if (reading.kind === 'failed') return { ok: false, problem: reading.problem };
		if (reading.kind === 'final' && ++finalAnswers >= MAX_CONSECUTIVE_FINAL_ANSWERS) {
			return { ok: false, problem: reading.problem };
		}
		if (reading.kind === 'running') {
			lastState = reading.state;
			failures = 0;
			finalAnswers = 0;
			nextReadAt = Date.now() + settings.pollIntervalMs;
		} else if (reading.kind === 'transient' && reading.retryAfterMs !== undefined) {
			// APIXO said when to come back (a rate limit, not a failure): do exactly that, or stop
			// now if that is past the deadline, rather than wait for nothing.
			lastTrouble = reading.reason;
			nextReadAt = Date.now() + Math.max(reading.retryAfterMs, settings.pollIntervalMs);
			if (Date.now() + reading.retryAfterMs > deadline) {
				return { ok: false, problem: timedOut(task, settings, lastState, retryAfterTrouble(reading.retryAfterMs)) };
			}
		} else {
			failures++;
			if (reading.kind === 'transient') lastTrouble = reading.reason;
			nextReadAt = Date.now() + backoffMs(failures, settings.pollIntervalMs);
		}
		if (Date.now() >= deadline) return { ok: false, problem: timedOut(task, settings, lastState, lastTrouble) };
	}
}

function retryAfterTrouble(waitMs: number): string {
	return `APIXO asked to wait ${Math.ceil(waitMs / 1000)} s (Retry-After), past this item’s Timeout`;
}

function timedOut(
	task: TaskToWaitFor,
	settings: PollSettings,
	lastState: TaskState | 'unknown',
	lastTrouble: string,
): TaskProblem {
	const seconds = Math.round(settings.timeoutMs / 1000);
	return {
		message: `Task ${task.taskId} was not finished after ${seconds} s (last state: ${lastState})`,
		description: `The task was paid for and may still finish. Don't submit it again: use Task → Wait with task ID ${task.taskId} to pick up the video${lastTrouble ? ` (last read problem: ${lastTrouble})` : ''}, or raise the Timeout option.`,
		taskId: task.taskId,
		state: lastState,
	};
}

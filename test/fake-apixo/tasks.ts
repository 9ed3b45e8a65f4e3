import { randomBytes } from 'node:crypto';
import type { Bill, SubmitRequest } from './rules';
import type { FakeTask, TaskOutcome } from './types';

export type TaskState = 'pending' | 'processing' | 'success' | 'failed';

/** The `data` object of a status response (and of a callback body). */
export interface TaskData {
	taskId: string;
	state: TaskState;
	createTime: number;
	/** A string to parse in the reference; some answers carry the object itself. */
	resultJson?: string | { resultUrls: string[] };
	failCode?: string;
	failMsg?: string;
	completeTime?: number;
	costTime?: number;
}

/** Messages of the reference's fail-code table, used when `outcome` gives no failMsg. */
export const FAIL_MESSAGES: Record<string, string> = {
	CONTENT_VIOLATION: 'Content does not meet safety guidelines',
	INVALID_IMAGE_URL: 'A reference image URL could not be fetched or decoded',
	INVALID_VIDEO_URL: 'A reference video URL could not be fetched, decoded, or probed',
	INVALID_PARAMETER: 'A model parameter is unsupported or malformed',
	INSUFFICIENT_BALANCE: 'The account does not have enough balance for the task',
	UPSTREAM_ERROR: 'Upstream failure',
	TIMEOUT: 'Generation did not finish in time',
	// The open vocabulary of APIXO's other pages (apixo-platform-notes.md): aliases and provider names.
	NSFW_DETECTED: 'NSFW content detected in the input or output',
	PROMPT_TOO_LONG: 'The prompt exceeds the maximum length',
	INVALID_PROMPT: 'The prompt is invalid',
	IMAGE_TOO_LARGE: 'The image must be under 10 MB',
	UNSUPPORTED_FORMAT: 'The file format is not supported',
	IMAGE_DOWNLOAD_FAILED: 'The image could not be downloaded',
	PROCESSING_TIMEOUT: 'Processing took too long',
	MODEL_UNAVAILABLE: 'The model is temporarily unavailable',
	GENERATION_FAILED: 'Generation failed',
	INSUFFICIENT_CREDITS: 'Insufficient credits',
	SensitiveContentDetected: 'The provider detected sensitive content',
	PromptLengthExceeded: 'The provider rejected the prompt length',
};

/** Share of the render time reported as `pending` before `processing`. */
const PENDING_SHARE = 0.1;

export interface NewTask {
	request: SubmitRequest;
	index: number;
	now: number;
	durationMs: number;
	outcome: TaskOutcome;
	bill: Bill;
	/** Result URL of file n of this task. */
	fileUrl: (taskId: string, n: number) => string;
	resultUrlsPerTask: number;
}

export function createTask(t: NewTask): FakeTask {
	const taskId = `task_${randomBytes(9).toString('hex')}`;
	const durationMs = Math.max(0, t.durationMs);
	const { input } = t.request;
	return {
		taskId,
		index: t.index,
		input,
		request_type: t.request.request_type,
		callback_url: t.request.callback_url,
		source: t.request.source,
		createTime: t.now,
		pendingUntil: t.now + Math.round(durationMs * PENDING_SHARE),
		readyAt: t.now + durationMs,
		outcome: t.outcome,
		soundSent: input.sound !== undefined,
		sound: input.sound ?? true,
		billedSeconds: t.bill.seconds,
		billedUsd: t.bill.usd,
		resultUrls: Array.from({ length: t.resultUrlsPerTask }, (_, n) => t.fileUrl(taskId, n)),
	};
}

export function neverFinishes(task: FakeTask): boolean {
	return task.outcome !== undefined && 'neverFinishes' in task.outcome;
}

/** State derived from the clock on every read: no timers per task. */
export function taskState(task: FakeTask, now: number): TaskState {
	if (now < task.pendingUntil || task.fetchingMedia) return 'pending';
	if (now < task.readyAt || neverFinishes(task)) return 'processing';
	return task.outcome && 'failCode' in task.outcome ? 'failed' : 'success';
}

export function isFinal(state: TaskState): boolean {
	return state === 'success' || state === 'failed';
}

export function taskData(task: FakeTask, now: number, resultJsonAs: 'string' | 'object' = 'string'): TaskData {
	const state = taskState(task, now);
	const base = { taskId: task.taskId, state, createTime: task.createTime };
	if (state === 'success') {
		const result = { resultUrls: task.outcome && 'noResultUrls' in task.outcome ? [] : task.resultUrls };
		return {
			...base,
			resultJson: resultJsonAs === 'object' ? result : JSON.stringify(result),
			completeTime: task.readyAt,
			costTime: task.readyAt - task.createTime,
		};
	}
	if (state === 'failed' && task.outcome && 'failCode' in task.outcome) {
		const { failCode, failMsg } = task.outcome;
		return {
			...base,
			failCode,
			failMsg: failMsg ?? FAIL_MESSAGES[failCode] ?? 'Task failed',
			completeTime: task.readyAt,
		};
	}
	return base;
}

/** Make the task final now, keeping a failure outcome; a never-finishing task succeeds. */
export function finishNow(task: FakeTask, now: number): void {
	if (neverFinishes(task)) task.outcome = undefined;
	if (task.readyAt > now) {
		task.readyAt = now;
		task.pendingUntil = Math.min(task.pendingUntil, now);
	}
}

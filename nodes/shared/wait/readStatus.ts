import { adviceForFailCode, adviceForHttpStatus } from '../api/failures';
import type { TaskProblem } from '../api/problem';
import type { TaskRecord } from '../api/schemas';
import { MODEL_ID, answerStatus, resultPayloadSchema, statusResponseSchema } from '../api/schemas';
import type { ApixoClient } from '../transport/client';

export interface FinishedTask {
	record: TaskRecord;
	videoUrls: string[];
}

/** One status read, judged. `transient` answers are worth reading again; `final` ones are not. */
export type StatusReading =
	| { kind: 'running'; state: TaskRecord['state'] }
	| { kind: 'succeeded'; task: FinishedTask }
	| { kind: 'failed'; problem: TaskProblem }
	| { kind: 'transient'; reason: string; retryAfterMs?: number }
	| { kind: 'final'; problem: TaskProblem };

export async function readStatus(client: ApixoClient, taskId: string): Promise<StatusReading> {
	const outcome = await client.send({
		method: 'GET',
		path: `/statusTask/${MODEL_ID}`,
		qs: { taskId },
	});
	if (outcome.kind === 'network') return { kind: 'transient', reason: `connection failed (${outcome.code})` };
	if (outcome.kind === 'malformed') return { kind: 'transient', reason: 'unreadable answer' };
	const parsed = statusResponseSchema.safeParse(outcome.body);
	const status = answerStatus(outcome.status, outcome.body);
	if (status === 429 || status >= 500) {
		return { kind: 'transient', reason: `HTTP ${status}`, retryAfterMs: outcome.retryAfterMs };
	}
	// Every other error is final, 404 included: APIXO documents 404 as "unknown task id (or model
	// id)", and the IDs read here are ones APIXO itself returned or the user typed. Reading again
	// cannot make a task appear, so waiting until the Timeout would only hide the wrong ID.
	if (status < 200 || status >= 300) {
		const advice = adviceForHttpStatus(status);
		return {
			kind: 'final',
			problem: {
				message: `Could not read task ${taskId}: ${advice.meaning} (HTTP ${status})`,
				description: `${advice.fix} The task may still be rendering: once fixed, use Task → Wait with task ID ${taskId}.`,
				taskId,
				httpCode: status,
				state: 'unknown',
			},
		};
	}
	if (!parsed.success) return { kind: 'transient', reason: 'answer not in APIXO’s status shape' };
	return judgeRecord(parsed.data.data);
}

/** What a task record (from a status read or a callback) says about the task. */
export function judgeRecord(record: TaskRecord): StatusReading {
	if (record.state === 'failed') return { kind: 'failed', problem: failedTaskProblem(record) };
	if (record.state !== 'success') return { kind: 'running', state: record.state };
	const videoUrls = parseResultUrls(record.resultJson);
	// Success is final: reading again never adds URLs, so this is an error now, not a wait.
	if (!videoUrls) return { kind: 'failed', problem: noResultProblem(record) };
	return { kind: 'succeeded', task: { record, videoUrls } };
}

export function parseResultUrls(resultJson: TaskRecord['resultJson']): string[] | undefined {
	if (!resultJson) return undefined;
	try {
		const payload = resultPayloadSchema.safeParse(typeof resultJson === 'string' ? JSON.parse(resultJson) : resultJson);
		return payload.success ? payload.data.resultUrls : undefined;
	} catch {
		return undefined;
	}
}

function noResultProblem(record: TaskRecord): TaskProblem {
	return {
		message: `APIXO task ${record.taskId} finished as success but gave no video URL`,
		description: `APIXO's answer had no usable result URL (resultJson: ${JSON.stringify(record.resultJson ?? null).slice(0, 200)}). The task was probably charged: contact APIXO support with task ID ${record.taskId}. Reading it again will not add a URL.`,
		taskId: record.taskId,
		state: 'success',
	};
}

export function failedTaskProblem(record: TaskRecord): TaskProblem {
	const failCode = record.failCode ?? 'UNKNOWN';
	const advice = adviceForFailCode(record.failCode);
	const said = record.failMsg ? ` APIXO said: “${record.failMsg}”.` : '';
	return {
		message: `APIXO task ${record.taskId} failed: ${failCode}: ${record.failMsg ?? advice.meaning}`,
		description: `${advice.meaning}. ${advice.fix}${said}`,
		taskId: record.taskId,
		failCode,
		failMsg: record.failMsg ?? advice.meaning,
		state: 'failed',
	};
}

import { adviceForFailCode, adviceForHttpStatus } from '../api/failures';
import type { TaskProblem } from '../api/problem';
import type { TaskRecord } from '../api/schemas';
import { MODEL_ID, resultPayloadSchema, statusResponseSchema } from '../api/schemas';
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
	const status = parsed.success && parsed.data.code !== 200 ? parsed.data.code : outcome.status;
	if (status === 429 || status >= 500) {
		return { kind: 'transient', reason: `HTTP ${status}`, retryAfterMs: outcome.retryAfterMs };
	}
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
	if (!videoUrls) return { kind: 'transient', reason: 'success without readable result URLs' };
	return { kind: 'succeeded', task: { record, videoUrls } };
}

export function parseResultUrls(resultJson: string | null | undefined): string[] | undefined {
	if (!resultJson) return undefined;
	try {
		const payload = resultPayloadSchema.safeParse(JSON.parse(resultJson));
		return payload.success ? payload.data.resultUrls : undefined;
	} catch {
		return undefined;
	}
}

export function failedTaskProblem(record: TaskRecord): TaskProblem {
	const failCode = record.failCode ?? 'UNKNOWN';
	const advice = adviceForFailCode(record.failCode);
	return {
		message: `APIXO task ${record.taskId} failed: ${failCode}: ${record.failMsg ?? advice.meaning}`,
		description: `${advice.meaning}. ${advice.fix}`,
		taskId: record.taskId,
		failCode,
		failMsg: record.failMsg ?? advice.meaning,
		state: 'failed',
	};
}

import { adviceForHttpStatus } from '../api/failures';
import type { TaskProblem } from '../api/problem';
import type { ApiInput } from '../api/schemas';
import { MODEL_ID, answerStatus, errorBodySchema, submitResponseSchema } from '../api/schemas';
import { mapWithConcurrency } from '../concurrency';
import type { CostEstimate } from '../cost/price';
import type { ApixoClient, CallOutcome } from '../transport/client';
import { backoffMs } from '../transport/retry';
import { sleepUnlessCancelled } from '../sleepUnlessCancelled';
import { submitBody } from './submitBody';

export interface TaskToSubmit {
	itemIndex: number;
	input: ApiInput;
	cost: CostEstimate;
	/** Callback mode: this item's own Callback URL. */
	callbackUrl?: string;
}

export type SubmitResult = TaskToSubmit &
	(
		| {
				ok: true;
				taskId: string;
				submittedAt: number;
				/** Taken by APIXO on an earlier try of the node: read at once, it may be done. */
				reused?: boolean;
		  }
		| { ok: false; problem: TaskProblem }
	);

export interface SubmitSettings {
	maxConcurrency: number;
	retryBaseMs: number;
	/** The run's Timeout: a Retry-After longer than this refuses the item rather than wait for it. */
	timeoutMs: number;
	/** Present when APIXO should POST the result to a URL instead of being polled. */
	callbackUrl?: string;
	/** Told of each paid task as soon as APIXO takes it, before the rest of the batch. */
	onAccepted?: (taskId: string, task: TaskToSubmit) => void;
}

/** Attempts per task for answers that prove APIXO did not take the task. */
const MAX_SUBMIT_ATTEMPTS = 6;

/**
 * Submits every task, a bounded number at a time. Each submit is a payment, so a submit is
 * sent again only when APIXO surely did not take it (429, refused connection) or where the
 * API reference says to retry (500, 502). Anything that may have created a task is reported,
 * never resent.
 */
export async function submitTasks(
	client: ApixoClient,
	tasks: TaskToSubmit[],
	settings: SubmitSettings,
): Promise<SubmitResult[]> {
	return await mapWithConcurrency(tasks, settings.maxConcurrency, async (task) => {
		const outcome = await submitOne(client, task, settings);
		if (outcome.ok) settings.onAccepted?.(outcome.taskId, task);
		return { ...task, ...outcome };
	});
}

type SubmitOutcome = { ok: true; taskId: string; submittedAt: number } | { ok: false; problem: TaskProblem };

async function submitOne(
	client: ApixoClient,
	task: TaskToSubmit,
	settings: SubmitSettings,
): Promise<SubmitOutcome> {
	const body = submitBody(task, task.callbackUrl ?? settings.callbackUrl);
	for (let attempt = 1; ; attempt++) {
		const submittedAt = Date.now();
		const outcome = await client.send({ method: 'POST', path: `/generateTask/${MODEL_ID}`, body });
		const verdict = judgeSubmit(outcome);
		if (verdict.kind === 'accepted') return { ok: true, taskId: verdict.taskId, submittedAt };
		if (verdict.kind === 'rejected' || attempt >= MAX_SUBMIT_ATTEMPTS) {
			return { ok: false, problem: verdict.problem };
		}
		const retryAfter = outcome.kind === 'answered' ? outcome.retryAfterMs : undefined;
		if (retryAfter !== undefined && retryAfter > settings.timeoutMs) {
			return { ok: false, problem: waitedTooLong(verdict.problem, retryAfter) };
		}
		await sleepUnlessCancelled(backoffMs(attempt, settings.retryBaseMs, retryAfter), client.cancelSignal);
	}
}

/** APIXO refused the task and asked to come back later than this run is willing to wait. */
function waitedTooLong(problem: TaskProblem, retryAfterMs: number): TaskProblem {
	return {
		...problem,
		description: `APIXO asked to wait ${Math.ceil(retryAfterMs / 1000)} s before sending it again (Retry-After), longer than the Timeout option. The task was not taken, so nothing was charged: run this item again later. ${problem.description}`,
	};
}

type SubmitVerdict =
	| { kind: 'accepted'; taskId: string }
	| { kind: 'retry'; problem: TaskProblem }
	| { kind: 'rejected'; problem: TaskProblem };

const RETRYABLE_SUBMIT_STATUSES = new Set([429, 500, 502]);

export function judgeSubmit(outcome: CallOutcome): SubmitVerdict {
	if (outcome.kind === 'network') {
		if (!outcome.reachedApixo) {
			return {
				kind: 'retry',
				problem: {
					message: 'Could not connect to APIXO',
					description: `Nothing was sent, so nothing was charged (${outcome.code}). ${notSentAdvice(outcome.code)}`,
				},
			};
		}
		return { kind: 'rejected', problem: unknownOutcome(describeNetworkFailure(outcome.code)) };
	}
	if (outcome.kind === 'malformed') {
		return { kind: 'rejected', problem: unknownOutcome(`APIXO answered HTTP ${outcome.status} with an unreadable body`) };
	}
	const accepted = submitResponseSchema.safeParse(outcome.body);
	const status = answerStatus(outcome.status, outcome.body);
	if (status >= 200 && status < 300 && accepted.success) {
		return { kind: 'accepted', taskId: accepted.data.data.taskId };
	}
	if (status >= 200 && status < 300) {
		return { kind: 'rejected', problem: unknownOutcome('APIXO’s answer had no task ID') };
	}
	const apiMessage = errorBodySchema.safeParse(outcome.body);
	// One page answers a lack of money as 402, another as 400 "Insufficient credits".
	const saysNoMoney = apiMessage.success && /insufficient (credits|balance)/i.test(apiMessage.data.message);
	const advice = adviceForHttpStatus(saysNoMoney ? 402 : status);
	const problem: TaskProblem = {
		message: `APIXO refused the task: ${advice.meaning} (HTTP ${status})`,
		description: `${apiMessage.success ? `APIXO said: “${apiMessage.data.message}”. ` : ''}${advice.fix}`,
		httpCode: status,
	};
	if (RETRYABLE_SUBMIT_STATUSES.has(status)) return { kind: 'retry', problem };
	// APIXO's own envelope saying 503 is its documented "model temporarily unavailable": the task
	// was refused, not taken. A bare 503 may come from a gateway after the request got through.
	if (status === 503 && apiMessage.success) return { kind: 'retry', problem };
	if (status >= 500) {
		return { kind: 'rejected', problem: unknownOutcome(`APIXO answered HTTP ${status} (${advice.meaning})`) };
	}
	return { kind: 'rejected', problem };
}

/**
 * In words, not socket codes: n8n rewrites an API error whose message holds a code such as
 * ECONNRESET into a generic one, which would hide that the task may have been paid for.
 */
function describeNetworkFailure(code: string): string {
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return 'no answer within the request timeout';
	if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection broke before the answer';
	return 'the connection failed before the answer';
}

function notSentAdvice(code: string): string {
	if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|^ERR_TLS|^ERR_SSL/.test(code)) {
		return 'The TLS certificate of the base URL (or of a proxy) was not trusted, so the connection stopped before the request. Check the credential’s base URL, your proxy, or NODE_EXTRA_CA_CERTS.';
	}
	if (/PROXY/.test(code)) return 'The proxy refused to open a connection to APIXO. Check your n8n instance’s proxy settings.';
	return 'Check the credential’s base URL and your network.';
}

function unknownOutcome(what: string): TaskProblem {
	return {
		message: `Unknown whether APIXO accepted the task: ${what}`,
		description:
			'The request reached APIXO, so the task may have been created and charged. It was not sent again, to avoid paying twice. Check the task list in your APIXO dashboard before running this item again; if the task is there, use Task → Wait with its ID.',
		state: 'unknown',
	};
}

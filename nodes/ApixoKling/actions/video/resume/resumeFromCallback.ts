import type {
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { callbackBodySchema } from '../../../../shared/api/schemas';
import { answerCaller } from '../../../../shared/callback/answerCaller';
import type { ItemResult } from '../../../../shared/output/collectItems';
import { finishedTaskResult, toOutput } from '../../../../shared/output/collectItems';
import { problemItem } from '../../../../shared/output/problemItems';
import { ApixoClient } from '../../../../shared/transport/client';
import type { WaitOutcome } from '../../../../shared/wait/waitForTask';
import { runSettingsFrom } from '../../runSettings';
import { FinishedTasks, readFinalStates } from './finishedTasks';
import type { WaitingBatch } from './waitingBatch';
import { readWaitingBatch } from './waitingBatch';

/**
 * Wait Mode "Resume": a restart webhook, as n8n's Wait node declares one. n8n serves it only
 * at a waiting execution's resume URL; nothing is registered with APIXO, whose callback URL
 * is given per task.
 */
export const resumeWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: 'noData',
		path: '',
		restartWebhook: true,
		isFullPath: true,
	},
];

/** APIXO wants its answer within 30 s; what is not read by then is read on its next delivery. */
const READ_BUDGET_MS = 20_000;
/** Room left before n8n's own wait limit, so the timer never races a finishing webhook. */
const WAIT_LIMIT_MARGIN_MS = 2_000;

/**
 * Executions this process has continued. n8n marks an execution running only once `webhook()`
 * has returned, so a redelivered callback must be recognised here, not by n8n, for a while.
 */
const resumed = new Set<string>();
const MAX_REMEMBERED_RESUMES = 1000;

/**
 * A callback of any task of the batch. APIXO signs nothing, so the callback only says "look
 * now": the node reads every task it does not yet know to be final, once. While one still
 * renders, the execution keeps waiting (its callback will come); when all are final, the
 * execution continues with every item of the batch. A read that fails answers 503, so APIXO
 * delivers again.
 */
export async function resumeFromCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const reply = (status: number, body: object) => answerCaller(ctx, status, body);
	const parsed = callbackBodySchema.safeParse(ctx.getBodyData());
	const batch = readWaitingBatch(ctx.evaluateExpression('{{ $input.all() }}', 0));
	const taskId = parsed.success ? parsed.data.taskId : undefined;
	if (!batch || !batch.tasks.some((task) => task.taskId === taskId)) {
		ctx.logger.warn('APIXO callback refused: not a task of this waiting execution', {
			executionId: ctx.getExecutionId(),
			taskId,
		});
		return reply(400, { error: 'not an APIXO callback for a task of this execution' });
	}
	const executionId = ctx.getExecutionId();
	if (resumed.has(executionId)) {
		return reply(200, { received: true, taskId, resumed: false, reason: 'duplicate delivery' });
	}

	const settings = runSettingsFrom((name, fallback) => ctx.getNodeParameter(name, fallback), ctx.getNode());
	const client = await ApixoClient.connect(ctx, settings);
	const deadline = batch.waitedUntil - WAIT_LIMIT_MARGIN_MS;
	const finished = FinishedTasks.of(executionId);
	const reading = await readFinalStates(client, batch.tasks, finished, Math.min(deadline, Date.now() + READ_BUDGET_MS), taskId!);
	if (reading.kind === 'unreadable') {
		return reply(503, { received: true, taskId, resumed: false, reason: `status read failed: ${reading.reason}` });
	}
	if (reading.kind === 'rendering') {
		return reply(200, { received: true, taskId, resumed: false, reason: `waiting for ${reading.remaining} more task(s)` });
	}
	if (resumed.has(executionId)) {
		return reply(200, { received: true, taskId, resumed: false, reason: 'duplicate delivery' });
	}
	resumed.add(executionId);
	if (resumed.size > MAX_REMEMBERED_RESUMES) resumed.delete(resumed.values().next().value!);
	reply(200, { received: true, taskId, resumed: true });
	try {
		const items = await batchItems(ctx, batch, reading.outcomes, settings, deadline);
		FinishedTasks.forget(executionId);
		return { noWebhookResponse: true, workflowData: [items] };
	} catch (error) {
		// Never throw from here: n8n would leave the execution stuck "running".
		const problem = {
			message: `Could not gather the videos of this run: ${(error as Error).message}`,
			description: `Use Task → Wait with the task IDs: ${batch.tasks.map((task) => task.taskId).join(', ')}.`,
			state: 'unknown' as const,
		};
		return { noWebhookResponse: true, workflowData: [[problemItem(problem, 0)]] };
	}
}

/** Every item of the batch, videos downloaded within what is left of the wait limit. */
async function batchItems(
	ctx: IWebhookFunctions,
	batch: WaitingBatch,
	outcomes: Map<string, WaitOutcome>,
	settings: ReturnType<typeof runSettingsFrom>,
	deadline: number,
): Promise<INodeExecutionData[]> {
	const requestTimeoutMs = Math.max(1000, Math.min(settings.requestTimeoutMs, deadline - Date.now()));
	const results: ItemResult[] = await Promise.all(
		batch.tasks.map(async (task) => {
			const origin = { itemIndex: task.itemIndex, mode: task.mode, cost: task };
			const outcome = outcomes.get(task.taskId)!;
			return await finishedTaskResult(ctx, task.taskId, outcome, origin, { ...settings, requestTimeoutMs });
		}),
	);
	// n8n cannot fail an execution from its resume call (a throwing webhook leaves it stuck
	// "running"), so failed tasks always come out as items; n8n moves them to the error
	// output when the node has one.
	return toOutput({ getNode: () => ctx.getNode(), continueOnFail: () => true }, [...results, ...batch.problems]);
}

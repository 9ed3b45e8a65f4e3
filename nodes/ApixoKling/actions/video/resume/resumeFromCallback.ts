import type {
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { callbackBodySchema } from '../../../../shared/api/schemas';
import { answerCaller } from '../../../../shared/callback/answerCaller';
import { collectWhenFinished, finishedTaskResult, toOutput } from '../../../../shared/output/collectItems';
import { problemItem } from '../../../../shared/output/problemItems';
import { ApixoClient } from '../../../../shared/transport/client';
import { judgeRecord } from '../../../../shared/wait/readStatus';
import type { WaitOutcome } from '../../../../shared/wait/waitForTask';
import { runSettingsFrom } from '../../runSettings';
import type { ResumeBatch } from './resumeBatch';
import { batchFromQuery } from './resumeBatch';

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

/**
 * Executions this process has resumed. n8n marks an execution running only once `webhook()`
 * has returned, so a redelivered callback must be recognised here, not by n8n, for a while.
 */
const resumed = new Set<string>();
const MAX_REMEMBERED_RESUMES = 1000;

/**
 * The callback that wakes a paused execution: answer APIXO at once, gather the other tasks of
 * the batch (usually finished by now), and hand n8n the items to continue with.
 */
export async function resumeFromCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const reply = (status: number, body: object) => answerCaller(ctx, status, body);
	const batch = batchFromQuery(ctx.getQueryData());
	const parsed = callbackBodySchema.safeParse(ctx.getBodyData());
	if (!batch || !parsed.success) return reply(400, { error: 'not an APIXO callback for this execution' });
	const record = parsed.data;
	const reading = judgeRecord(record);
	if (reading.kind !== 'succeeded' && reading.kind !== 'failed') {
		return reply(200, { received: true, taskId: record.taskId, resumed: false, reason: 'task not finished' });
	}
	const calledBack: WaitOutcome =
		reading.kind === 'succeeded' ? { ok: true, task: reading.task } : { ok: false, problem: reading.problem };
	const executionId = ctx.getExecutionId();
	if (resumed.has(executionId)) {
		return reply(200, { received: true, taskId: record.taskId, resumed: false, reason: 'duplicate delivery' });
	}
	resumed.add(executionId);
	if (resumed.size > MAX_REMEMBERED_RESUMES) resumed.delete(resumed.values().next().value!);
	try {
		reply(200, { received: true, taskId: record.taskId, resumed: true });
		return { noWebhookResponse: true, workflowData: await gatherBatch(ctx, batch, record.taskId, calledBack) };
	} catch (error) {
		// Never throw from here: n8n would leave the execution stuck "running".
		const problem = {
			message: `Could not gather the videos of this run: ${(error as Error).message}`,
			description: `Use Task → Wait with the task IDs: ${batch.tasks.map((task) => task.taskId ?? record.taskId).join(', ')}.`,
			taskId: record.taskId,
			state: 'unknown' as const,
		};
		return { noWebhookResponse: true, workflowData: [[problemItem(problem, 0)]] };
	}
}

async function gatherBatch(
	ctx: IWebhookFunctions,
	batch: ResumeBatch,
	calledBackTaskId: string,
	calledBackOutcome: WaitOutcome,
): Promise<INodeExecutionData[][]> {
	const node = ctx.getNode();
	const settings = runSettingsFrom((name, fallback) => ctx.getNodeParameter(name, fallback), node);
	const client = await ApixoClient.connect(ctx, settings);
	const startedAt = Date.now();
	const results = await Promise.all(
		batch.tasks.map(async ({ taskId, itemIndex, billedSeconds, estimatedCostUsd }) => {
			const origin = { itemIndex, mode: batch.mode, cost: { billedSeconds, estimatedCostUsd } };
			if (taskId === undefined) {
				return await finishedTaskResult(ctx, calledBackTaskId, calledBackOutcome, origin, settings);
			}
			const task = { taskId, submittedAt: startedAt, origin };
			return await collectWhenFinished(ctx, client, task, { ...settings, firstPollDelayMs: 0 });
		}),
	);
	// n8n cannot fail an execution from its resume call (a throwing webhook leaves it stuck
	// "running"), so failed tasks always come out as items; n8n moves them to the error
	// output when the node has one.
	return [toOutput({ getNode: () => node, continueOnFail: () => true }, results)];
}

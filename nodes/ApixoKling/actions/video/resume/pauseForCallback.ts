import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemResult } from '../../../../shared/output/collectItems';
import { submittedResult, toOutput } from '../../../../shared/output/collectItems';
import { submitOnce } from '../../../../shared/submit/submitOnce';
import type { TaskToSubmit } from '../../../../shared/submit/submitTasks';
import type { ApixoClient } from '../../../../shared/transport/client';
import type { RunSettings } from '../../runSettings';
import { waitingItems } from './waitingBatch';

/**
 * Resume mode: submit every task with the execution's resume URL (see resumeUrl.ts) as its
 * callback, then pause the execution, holding no worker. Any task's callback wakes the node's
 * webhook, which continues the execution once every task of the batch is final
 * (resumeFromCallback.ts).
 */
export async function pauseForCallback(
	ctx: IExecuteFunctions,
	client: ApixoClient,
	planned: TaskToSubmit[],
	settings: RunSettings,
	resumeUrl: string,
	notSubmitted: ItemResult[],
): Promise<INodeExecutionData[][]> {
	const { results } = await submitOnce(ctx, client, planned, { ...settings, callbackUrl: resumeUrl });
	const shown = [...results.map((result) => submittedResult(result)), ...notSubmitted];
	if (!results.some((result) => result.ok)) return [toOutput(ctx, shown)];

	const waitedUntil = new Date(Date.now() + settings.resumeWaitMs);
	// In place of the node's input: what the webhook reads, and what n8n passes on if the wait
	// limit passes first. The array is replaced, never changed: the previous node's output is
	// the same array.
	ctx.getExecuteData().data.main[0] = waitingItems(ctx.getInputData().length, results, notSubmitted, waitedUntil);
	await ctx.putExecutionToWait(waitedUntil);
	// Shown while the execution waits; n8n drops it when the execution continues.
	return [toOutput({ getNode: () => ctx.getNode(), continueOnFail: () => true }, shown)];
}

import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemResult } from '../../../../shared/output/collectItems';
import { submittedResult, toOutput } from '../../../../shared/output/collectItems';
import { submitOnce } from '../../../../shared/submit/submitOnce';
import type { TaskToSubmit } from '../../../../shared/submit/submitTasks';
import type { ApixoClient } from '../../../../shared/transport/client';
import { isPublicHost } from '../../../../shared/validate/publicUrl';
import type { RunSettings } from '../../runSettings';
import { waitingItems } from './waitingBatch';

/**
 * Resume mode: submit every task with the execution's resume URL as its callback, then pause
 * the execution, holding no worker. Any task's callback wakes the node's webhook, which
 * continues the execution once every task of the batch is final (resumeFromCallback.ts).
 */
export async function pauseForCallback(
	ctx: IExecuteFunctions,
	client: ApixoClient,
	planned: TaskToSubmit[],
	settings: RunSettings,
	notSubmitted: ItemResult[],
): Promise<INodeExecutionData[][]> {
	const resumeUrl = reachableResumeUrl(ctx, settings.allowPrivateUrls);
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

/** n8n's resume URL for this execution, refused before paying when APIXO could not call it. */
function reachableResumeUrl(ctx: IExecuteFunctions, allowPrivate: boolean): string {
	const resumeUrl = ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	const fail = (message: string, description: string) =>
		new NodeOperationError(ctx.getNode(), message, { description: `${description} Nothing was sent to APIXO.` });
	let url: URL;
	try {
		url = new URL(String(resumeUrl));
	} catch {
		throw fail('n8n gave no resume URL for this execution', 'Resume mode needs a saved workflow run by n8n; use Poll mode here.');
	}
	if (allowPrivate) return url.toString();
	if (url.protocol !== 'https:' || !isPublicHost(url.hostname)) {
		throw fail(
			`APIXO cannot reach this n8n’s resume URL (${url.origin})`,
			'APIXO calls back only public https URLs. Set n8n’s WEBHOOK_URL to the public https address of this instance (e.g. https://n8n.example.com/), use Poll mode, or turn on the option “Allow Private URLs” for a tunnel or a test.',
		);
	}
	return url.toString();
}

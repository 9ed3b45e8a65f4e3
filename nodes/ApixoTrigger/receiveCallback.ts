import { timingSafeEqual } from 'crypto';
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { callbackBodySchema } from '../shared/api/schemas';
import { answerCaller } from '../shared/callback/answerCaller';
import { SeenTasks } from '../shared/callback/seenTasks';
import { problemItem } from '../shared/output/problemItems';
import { videoItems } from '../shared/output/videoItems';
import { judgeRecord } from '../shared/wait/readStatus';

interface TriggerOptions {
	includeFailed?: boolean;
}

/**
 * APIXO's callback: check the caller, check the payload, answer at once, then start the
 * workflow once per task, with the same items the action node gives.
 */
export async function receiveCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const reply = (status: number, body: object) => answerCaller(ctx, status, body);

	const expected = String(ctx.getNodeParameter('secretToken', '')).trim();
	const presented = String((ctx.getQueryData() as { token?: unknown }).token ?? '');
	if (!expected || !sameSecret(presented, expected)) return reply(403, { error: 'invalid or missing token' });

	const parsed = callbackBodySchema.safeParse(ctx.getBodyData());
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		return reply(400, { error: `not an APIXO task payload: ${issue.path.join('.') || 'body'} ${issue.message}` });
	}
	const record = parsed.data;
	const reading = judgeRecord(record);
	if (reading.kind === 'running' || reading.kind === 'transient') {
		return reply(200, { received: true, taskId: record.taskId, started: false, reason: 'task not finished' });
	}

	const node = ctx.getNode();
	const seen = new SeenTasks(ctx.getWorkflowStaticData('node'), `${ctx.getWorkflow().id}:${node.id}`);
	if (!seen.firstDelivery(record.taskId)) {
		return reply(200, { received: true, taskId: record.taskId, started: false, reason: 'duplicate delivery' });
	}
	const options = ctx.getNodeParameter('options', {}) as TriggerOptions;
	if (reading.kind !== 'succeeded' && !options.includeFailed) {
		return reply(200, { received: true, taskId: record.taskId, started: false, reason: 'failed tasks are not included' });
	}
	reply(200, { received: true, taskId: record.taskId, started: true });

	// No download here: n8n saves the remembered task IDs only when this call returns, so it
	// must return at once. The execution downloads the video (downloadVideos.ts), on a worker
	// in queue mode.
	const items =
		reading.kind === 'succeeded'
			? await videoItems(ctx, reading.task, { itemIndex: 0 }, { download: false, binaryPropertyName: 'data', requestTimeoutMs: 0 })
			: [problemItem(reading.problem, 0)];
	seen.writeThrough();
	return { noWebhookResponse: true, workflowData: [items] };
}

function sameSecret(presented: string, expected: string): boolean {
	const a = Buffer.from(presented);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { callbackBodySchema } from '../shared/api/schemas';
import { answerCaller } from '../shared/callback/answerCaller';
import { SeenTasks } from '../shared/callback/seenTasks';
import { problemItem } from '../shared/output/problemItems';
import { videoItems } from '../shared/output/videoItems';
import { ApixoClient } from '../shared/transport/client';
import type { StatusReading } from '../shared/wait/readStatus';
import { judgeRecord, readStatus } from '../shared/wait/readStatus';
import { callerQuery, presentsToken } from './callerToken';

interface TriggerOptions {
	includeFailed?: boolean;
}

/** One status read must fit in APIXO's 30 s for an answer. */
const CONFIRM_READ_TIMEOUT_MS = 10_000;

/**
 * APIXO's callback: check the caller, check the payload (and, when asked, confirm it with
 * APIXO), answer at once, then start the workflow once per task, with the same items the
 * action node gives. A paid task never ends as a 200 that starts nothing: what cannot be
 * read still starts the workflow with an item naming the task.
 */
export async function receiveCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const reply = (status: number, body: object) => answerCaller(ctx, status, body);
	const refuse = (status: number, error: string, taskId?: string) => {
		ctx.logger.warn(`APIXO Trigger refused a call: ${error}`, { workflowId: ctx.getWorkflow().id, taskId });
		return reply(status, { error });
	};

	const query = ctx.getQueryData() as IDataObject;
	const expected = String(ctx.getNodeParameter('secretToken', '')).trim();
	const request = ctx.getRequestObject() as { originalUrl?: string; url?: string };
	if (!expected || !presentsToken(query, request.originalUrl ?? request.url, expected)) {
		return refuse(403, 'invalid or missing token');
	}

	const parsed = callbackBodySchema.safeParse(ctx.getBodyData());
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		return refuse(400, `not an APIXO task payload: ${issue.path.join('.') || 'body'} ${issue.message}`);
	}
	const record = parsed.data;
	let reading = judgeRecord(record);
	if (ctx.getNodeParameter('confirmWithApixo', false) === true) {
		const confirmed = await confirmWithApixo(ctx, record.taskId);
		if (confirmed.kind === 'unconfirmed') {
			ctx.logger.warn(`APIXO Trigger could not confirm task ${record.taskId}: ${confirmed.reason}`);
			return reply(503, { received: true, taskId: record.taskId, started: false, reason: confirmed.reason });
		}
		reading = confirmed.reading;
		if (reading.kind === 'running') {
			return refuse(409, `APIXO says task ${record.taskId} is still ${reading.state}: callback not trusted`, record.taskId);
		}
	}
	if (reading.kind === 'running' || reading.kind === 'transient') {
		return reply(200, { received: true, taskId: record.taskId, started: false, reason: 'task not finished' });
	}

	const node = ctx.getNode();
	const seen = new SeenTasks(ctx.getWorkflowStaticData('node'), `${ctx.getWorkflow().id}:${node.id}`);
	if (!seen.firstDelivery(record.taskId)) {
		return reply(200, { received: true, taskId: record.taskId, started: false, reason: 'duplicate delivery' });
	}
	const options = ctx.getNodeParameter('options', {}) as TriggerOptions;
	// A success whose videos cannot be read was still paid for: it always starts the workflow.
	const paidWithoutVideo = reading.kind === 'failed' && reading.problem.state === 'success';
	if (reading.kind !== 'succeeded' && !paidWithoutVideo && !options.includeFailed) {
		return reply(200, { received: true, taskId: record.taskId, started: false, reason: 'failed tasks are not included' });
	}
	reply(200, { received: true, taskId: record.taskId, started: true });

	// No download here: n8n saves the remembered task IDs only when this call returns, so it
	// must return at once. The execution downloads the video (downloadVideos.ts), on a worker
	// in queue mode.
	const items: INodeExecutionData[] =
		reading.kind === 'succeeded'
			? await videoItems(ctx, reading.task, { itemIndex: 0 }, { download: false, binaryPropertyName: 'data', requestTimeoutMs: 0 })
			: [problemItem(reading.problem, 0)];
	const correlation = callerQuery(query);
	if (correlation) for (const item of items) item.json.callbackQuery = correlation;
	seen.writeThrough();
	return { noWebhookResponse: true, workflowData: [items] };
}

type Confirmation = { kind: 'confirmed'; reading: StatusReading } | { kind: 'unconfirmed'; reason: string };

/**
 * APIXO signs nothing: the only proof of a callback is APIXO's own answer for the task, read
 * with the credential. Its video URLs are used, never the caller's.
 */
async function confirmWithApixo(ctx: IWebhookFunctions, taskId: string): Promise<Confirmation> {
	const client = await ApixoClient.connect(ctx, { maxRequestsPerSecond: 0, requestTimeoutMs: CONFIRM_READ_TIMEOUT_MS });
	const reading = await readStatus(client, taskId);
	if (reading.kind === 'transient') return { kind: 'unconfirmed', reason: `status read failed: ${reading.reason}` };
	if (reading.kind === 'final') return { kind: 'unconfirmed', reason: reading.problem.message };
	return { kind: 'confirmed', reading };
}

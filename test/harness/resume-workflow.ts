/**
 * Continues a waiting execution in-process, following n8n's waiting-webhook path
 * (packages/cli/src/webhooks/waiting-webhooks.ts → webhook-helpers.ts `executeWebhook`):
 * disable the waiting node, clear `waitTill`, drop its "waiting" run, let the node's
 * `webhook()` turn the request into items, put those on the stack as the node's output,
 * and hand the same execution data back to `WorkflowExecute.processRunExecutionData`.
 */
import { WAITING_TOKEN_QUERY_PARAM } from 'n8n-core';
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { harnessLogger } from './engine';
import type { ExecuteOptions, RunResult } from './execution';
import { execute, setupOfResult } from './execution';
import { RecordedResponse } from './fake-http';
import { invokeWebhook, respondWith } from './webhook-call';

export interface ResumeRequest extends Pick<ExecuteOptions, 'abortAfterMs' | 'cancelGraceMs'> {
	method?: IHttpRequestMethods;
	headers?: Record<string, string>;
	query?: IDataObject;
	/**
	 * The URL the caller used (e.g. the `callback_url` the node submitted). When given, it
	 * must be this execution's resume URL with the right `signature`, as n8n requires.
	 */
	url?: string;
}

export interface ResumeResult extends RunResult {
	/** False when `webhook()` threw or returned no `workflowData`: n8n keeps the run waiting. */
	resumed: boolean;
	/** What the caller would have received from the waiting webhook. */
	response: RecordedResponse;
	webhookError?: Error;
}

export async function resumeWorkflow(
	previous: RunResult,
	webhookBody: unknown,
	request: ResumeRequest = {},
): Promise<ResumeResult> {
	const setup = setupOfResult.get(previous);
	if (!setup) throw new Error('resumeWorkflow needs a RunResult returned by runWorkflow/resumeWorkflow');
	if (previous.status !== 'waiting') {
		throw new Error(`Execution ${setup.executionId} is "${previous.status}", not waiting`);
	}
	if (request.url !== undefined) assertIsResumeUrl(request.url, previous);
	harnessLogger.drain(); // the result's logs start here, webhook() included

	// Work on a copy so `previous` still shows the waiting state to the test.
	const data = structuredClone(previous.run.data);
	const waitingNodeName = data.resultData.lastNodeExecuted!;
	const stackEntry = data.executionData!.nodeExecutionStack[0];
	// Disabled so the engine forwards the webhook's items instead of running execute() again.
	stackEntry.node.disabled = true;
	data.waitTill = undefined;
	data.resultData.runData[waitingNodeName].pop();

	const method = request.method ?? 'POST';
	const query = request.url ? Object.fromEntries(new URL(request.url).searchParams) : {};
	const response = new RecordedResponse();
	const invocation = await invokeWebhook(setup, waitingNodeName, response, {
		method,
		body: webhookBody,
		headers: request.headers ?? {},
		query: { ...query, ...request.query },
		restart: true,
		runExecutionData: data,
	});

	if (invocation.error || invocation.result?.workflowData === undefined) {
		const unchanged: ResumeResult = {
			...previous,
			logs: harnessLogger.drain(),
			resumed: false,
			response: respondWith(response, invocation),
			webhookError: invocation.error,
		};
		setupOfResult.set(unchanged, setup);
		return unchanged;
	}

	stackEntry.data.main = invocation.result.workflowData;
	// n8n sets this so items on outputs other than the first are not dropped (n8n#12823).
	stackEntry.metadata = { ...stackEntry.metadata, forwardAllOutputs: true };
	const continued = await execute(setup, data, { ...request, isResume: true });
	return { ...continued, resumed: true, response: respondWith(response, invocation) };
}

function assertIsResumeUrl(url: string, previous: RunResult) {
	const expected = new URL(previous.resumeUrl!);
	const actual = new URL(url);
	if (actual.origin + actual.pathname !== expected.origin + expected.pathname) {
		throw new Error(`${url} is not the resume URL of this execution (${previous.resumeUrl})`);
	}
	const signature = actual.searchParams.get(WAITING_TOKEN_QUERY_PARAM);
	if (signature !== expected.searchParams.get(WAITING_TOKEN_QUERY_PARAM)) {
		throw new Error(`${url} does not carry this execution's "${WAITING_TOKEN_QUERY_PARAM}"`);
	}
}

/**
 * What n8n's WaitTracker does when a waiting execution's `waitTill` passes with no call to
 * its resume URL: run the same execution data again. The engine then skips the waiting node
 * (it forwards the node's input) and carries on.
 */
export async function resumeAfterWaitLimit(previous: RunResult): Promise<RunResult> {
	const setup = setupOfResult.get(previous);
	if (!setup) throw new Error('resumeAfterWaitLimit needs a RunResult returned by the harness');
	if (previous.status !== 'waiting') throw new Error(`Execution ${setup.executionId} is not waiting`);
	harnessLogger.drain();
	return await execute(setup, structuredClone(previous.run.data), { isResume: true });
}

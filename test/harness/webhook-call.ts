/**
 * Calls a node's `webhook()` the way n8n's webhook helpers do: through n8n-core's
 * WebhookContext, with a request and a response object the node can read and answer.
 */
import { ExecutionLifecycleHooks, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	IHttpRequestMethods,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
} from 'n8n-workflow';

import { buildAdditionalData } from './additional-data';
import type { ExecutionSetup } from './execution';
import type { RecordedResponse } from './fake-http';
import { fakeRequest } from './fake-http';

export interface WebhookInvocation {
	result?: IWebhookResponseData;
	error?: Error;
}

export interface WebhookCall {
	method: IHttpRequestMethods;
	body: unknown;
	headers: Record<string, string>;
	query: IDataObject;
	/** Path and raw query string of the call. */
	url?: string;
	/** A waiting execution's restart webhook, rather than a trigger's production webhook. */
	restart: boolean;
	runExecutionData?: IRunExecutionData;
}

export async function invokeWebhook(
	setup: ExecutionSetup,
	nodeName: string,
	response: RecordedResponse,
	call: WebhookCall,
): Promise<WebhookInvocation> {
	const { workflow } = setup;
	const node = workflow.getNode(nodeName)!;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	// Literal httpMethod only: a node called back by APIXO declares a fixed method.
	const description = nodeType.description.webhooks?.find(
		(webhook) => (webhook.restartWebhook === true) === call.restart && webhook.httpMethod === call.method,
	);
	if (!description || !nodeType.webhook) {
		// n8n answers 404: "does not contain a (waiting) webhook with a matching path/method".
		throw new Error(
			`Node "${nodeName}" declares no ${call.method} webhook${call.restart ? ' with restartWebhook: true' : ''}`,
		);
	}

	const additionalData = buildAdditionalData({
		hooks: new ExecutionLifecycleHooks(setup.mode, setup.executionId, setup.workflowData),
		credentialsHelper: setup.credentialsHelper,
		executionId: setup.executionId,
		workflowId: setup.workflowData.id,
		instanceBaseUrl: setup.instanceBaseUrl,
	});
	additionalData.httpRequest = fakeRequest(call);
	additionalData.httpResponse = response.asExpressResponse();

	const webhookData: IWebhookData = {
		httpMethod: call.method,
		node: nodeName,
		path: description.path,
		webhookDescription: description,
		workflowId: setup.workflowData.id,
		workflowExecuteAdditionalData: additionalData,
	};
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		setup.mode,
		webhookData,
		[],
		call.runExecutionData ?? null,
	);
	try {
		return { result: await nodeType.webhook.call(context) };
	} catch (error) {
		return { error: error as Error };
	}
}

/**
 * What n8n answers the caller (default "onReceived" response mode): a response the node
 * wrote itself wins; a throwing webhook() gets a 500; otherwise 200 with `webhookResponse`.
 */
export function respondWith(response: RecordedResponse, invocation: WebhookInvocation): RecordedResponse {
	const { result, error } = invocation;
	if (response.finished || result?.noWebhookResponse) return response;
	if (error) {
		response.statusCode = 500;
		response.body = { message: 'Error in workflow' };
		return response;
	}
	response.statusCode = 200;
	response.body =
		result?.webhookResponse ??
		{ message: result?.workflowData ? 'Workflow was started' : 'Webhook call received' };
	return response;
}

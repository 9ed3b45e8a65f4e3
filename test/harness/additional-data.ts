/**
 * The `additionalData` n8n's WorkflowRunner builds for an execution (see
 * `WorkflowExecuteAdditionalData.getBase` in the n8n package), reduced to what n8n-core
 * reads while running ordinary nodes. A plain object on purpose: a deep mock would
 * silently answer calls the harness does not support; here they fail with a clear error.
 */
import type { ExecutionLifecycleHooks } from 'n8n-core';
import { ExternalSecretsProxy } from 'n8n-core';
import type { ICredentialsHelper, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

/** n8n's default origin; URLs derived from it mirror a stock install's (`/webhook-waiting/…`). */
export const DEFAULT_INSTANCE_BASE_URL = 'http://localhost:5678/';

export interface AdditionalDataOptions {
	hooks: ExecutionLifecycleHooks;
	credentialsHelper: ICredentialsHelper;
	executionId: string;
	workflowId: string;
	/** Editor/webhook origin with trailing slash; decides `$execution.resumeUrl`. */
	instanceBaseUrl?: string;
	/** Set when continuing a waiting execution: makes the engine fire `workflowExecuteResume`. */
	restartExecutionId?: string;
}

/** The URL fields of additionalData, laid out as a stock n8n derives them from its origin. */
export function instanceUrls(base: string) {
	return {
		instanceBaseUrl: base,
		restApiUrl: `${base}rest`,
		webhookBaseUrl: `${base}webhook`,
		webhookTestBaseUrl: `${base}webhook-test`,
		webhookWaitingBaseUrl: `${base}webhook-waiting`,
		formBaseUrl: `${base}form`,
		formTestBaseUrl: `${base}form-test`,
		formWaitingBaseUrl: `${base}form-waiting`,
		mcpBaseUrl: `${base}mcp`,
		mcpTestBaseUrl: `${base}mcp-test`,
	};
}

export function buildAdditionalData(options: AdditionalDataOptions): IWorkflowExecuteAdditionalData {
	return {
		...instanceUrls(options.instanceBaseUrl ?? DEFAULT_INSTANCE_BASE_URL),
		hooks: options.hooks,
		credentialsHelper: options.credentialsHelper,
		executionId: options.executionId,
		restartExecutionId: options.restartExecutionId,
		workflowId: options.workflowId,
		// The engine increments this per node run to order the execution log.
		currentNodeExecutionIndex: 0,
		// Undefined makes parameter lookups (e.g. credential displayOptions) use node.parameters.
		currentNodeParameters: undefined,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		logAiEvent: () => {},
		executeWorkflow: async () => unsupported('executeWorkflow (sub-workflows)'),
		getRunExecutionData: async () => unsupported('getRunExecutionData'),
		getRuntimeCredential: async () => unsupported('getRuntimeCredential'),
		startRunnerTask: async () => unsupported('startRunnerTask (Code node task runners)'),
	};
}

function unsupported(feature: string): never {
	throw new UnexpectedError(`The in-process test harness does not support ${feature}`);
}

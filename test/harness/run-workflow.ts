/**
 * Public entry point: run a workflow in-process through n8n-core's real execution engine.
 */
import { randomBytes } from 'node:crypto';
import type {
	IDataObject,
	INodeExecutionData,
	ICredentialType,
	IConnections,
	INode,
	IWorkflowBase,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow, createRunExecutionData } from 'n8n-workflow';

import { DEFAULT_INSTANCE_BASE_URL } from './additional-data';
import type { CredentialsByType } from './credentials';
import { HarnessCredentialTypes, HarnessCredentialsHelper } from './credentials';
import { ensureEngineReady, harnessLogger } from './engine';
import type { ExecutionSetup, RunResult } from './execution';
import { execute } from './execution';
import type { ExtraNodeTypes } from './node-types';
import { HarnessNodeTypes } from './node-types';
import { loadPackageTypes } from './package-types';
import { START_NODE_TYPE } from './start-node';

export interface RunOptions {
	nodes: INode[];
	connections: IConnections;
	/** Decrypted credential data per credential type, e.g. `{ apixoApi: { apiKey, baseUrl } }`. */
	credentials?: CredentialsByType;
	/** Cancel the execution this long after it starts, as the "stop" button does. */
	abortAfterMs?: number;
	/** How long a cancelled run may take to stop before the harness fails it (default 10 s). */
	cancelGraceMs?: number;
	/** Node types by full type name, in addition to this package's built nodes. */
	extraNodeTypes?: ExtraNodeTypes;
	/** Credential types in addition to this package's built credentials. */
	extraCredentialTypes?: ICredentialType[];
	/** Defaults to the first `test.start` node. */
	startNodeName?: string;
	/** Defaults to 'trigger', i.e. a production run (`$execution.mode` is 'production'). */
	mode?: WorkflowExecuteMode;
	/** Origin that `$execution.resumeUrl` and other instance URLs are built on. */
	instanceBaseUrl?: string;
	settings?: IWorkflowSettings;
	/** Items the start node begins with, e.g. what a trigger's webhook() returned. */
	startData?: INodeExecutionData[][];
	/** The workflow's static data, kept by the caller across executions as n8n keeps it. */
	staticData?: IDataObject;
}

export type { RunResult };

const WORKFLOW_ID = 'harness-workflow';
let executionCounter = 0;

export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const setup = await prepareExecution(options);
	const startNode = findStartNode(setup.workflow, options.startNodeName);
	harnessLogger.drain(); // the result's logs start here
	return await execute(setup, seedRunData(startNode, options.startData), {
		abortAfterMs: options.abortAfterMs,
		cancelGraceMs: options.cancelGraceMs,
	});
}

/** Everything an execution of this workflow needs, before it starts. */
export async function prepareExecution(options: RunOptions): Promise<ExecutionSetup> {
	await ensureEngineReady();

	// The Workflow constructor writes parameter defaults into the nodes it is given;
	// clone so a test's node definitions can be reused unchanged.
	const nodes = structuredClone(options.nodes);
	const connections = structuredClone(options.connections);
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...options.settings };
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		nodes,
		connections,
		active: false,
		nodeTypes: new HarnessNodeTypes(options.extraNodeTypes),
		settings,
		staticData: options.staticData,
	});

	const credentialTypes = new HarnessCredentialTypes([
		...loadPackageTypes().credentials,
		...(options.extraCredentialTypes ?? []),
	]);
	return {
		workflow,
		workflowData: toWorkflowData(nodes, connections, settings),
		credentialsHelper: new HarnessCredentialsHelper(credentialTypes, options.credentials ?? {}),
		mode: options.mode ?? 'trigger',
		executionId: String(++executionCounter),
		instanceBaseUrl: options.instanceBaseUrl ?? DEFAULT_INSTANCE_BASE_URL,
	};
}

/**
 * The run data n8n starts an execution with: the start node with its items. A manual start
 * gets the one empty item WorkflowExecute.run() seeds; a trigger gets what its webhook gave.
 */
function seedRunData(startNode: INode, startData?: INodeExecutionData[][]) {
	return createRunExecutionData({
		// n8n generates this when an execution starts; it signs `$execution.resumeUrl`.
		resumeToken: randomBytes(32).toString('hex'),
		executionData: {
			nodeExecutionStack: [
				{ node: startNode, data: { main: startData ?? [[{ json: {} }]] }, source: null },
			],
		},
	});
}

function findStartNode(workflow: Workflow, startNodeName?: string): INode {
	const nodes = Object.values(workflow.nodes);
	const startNode = startNodeName
		? workflow.getNode(startNodeName)
		: nodes.find((node) => node.type === START_NODE_TYPE);
	if (!startNode) {
		throw new Error(
			startNodeName
				? `Start node "${startNodeName}" is not in the workflow`
				: `No "${START_NODE_TYPE}" node in the workflow; add one or pass startNodeName`,
		);
	}
	return startNode;
}

function toWorkflowData(
	nodes: INode[],
	connections: IConnections,
	settings: IWorkflowSettings,
): IWorkflowBase {
	const now = new Date();
	return {
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections,
		settings,
	};
}

/**
 * Runs prepared execution data through n8n-core's `WorkflowExecute.processRunExecutionData`,
 * the call n8n's WorkflowRunner makes for both fresh and resumed executions, and turns the
 * outcome into a `RunResult`.
 */
import { ExecutionLifecycleHooks, WAITING_TOKEN_QUERY_PARAM, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	ExecutionStatus,
	INodeExecutionData,
	IRun,
	IRunExecutionData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { buildAdditionalData, instanceUrls } from './additional-data';
import type { HarnessCredentialsHelper } from './credentials';
import { harnessLogger } from './engine';
import type { LogEntry } from './log-capture';

/** Everything needed to run (and later resume) one execution of one workflow. */
export interface ExecutionSetup {
	workflow: Workflow;
	workflowData: IWorkflowBase;
	credentialsHelper: HarnessCredentialsHelper;
	mode: WorkflowExecuteMode;
	executionId: string;
	instanceBaseUrl: string;
}

export interface ExecuteOptions {
	abortAfterMs?: number;
	cancelGraceMs?: number;
	/** True when continuing a waiting execution (n8n then fires `workflowExecuteResume`). */
	isResume?: boolean;
}

export interface RunResult {
	status: ExecutionStatus;
	run: IRun;
	/** Items of the node's first output for that run; throws if the node has no such run. */
	output(nodeName: string, runIndex?: number): INodeExecutionData[];
	error?: ExecutionError;
	waitTill?: Date;
	/** `$execution.resumeUrl` as the node saw it (signature included), whether or not it waits. */
	resumeUrl: string;
	executionId: string;
	/** Node names in the order they finished, as the `nodeExecuteAfter` hook reported them. */
	executedNodes: string[];
	/**
	 * Everything logged (by nodes via `this.logger`, and by the engine) from the start of
	 * this run/resume call to its end. Runs started concurrently share one log.
	 */
	logs: LogEntry[];
}

const DEFAULT_CANCEL_GRACE_MS = 10_000;

/** Private link from a result to what `resumeWorkflow` needs to continue it. */
export const setupOfResult = new WeakMap<RunResult, ExecutionSetup>();

export async function execute(
	setup: ExecutionSetup,
	runExecutionData: IRunExecutionData,
	options: ExecuteOptions = {},
): Promise<RunResult> {
	const hooks = new ExecutionLifecycleHooks(setup.mode, setup.executionId, setup.workflowData);
	const executedNodes: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executedNodes.push(nodeName);
	});
	// n8n persists the execution from the first `workflowExecuteAfter`. On cancellation
	// that fires at once with status 'canceled', while the promise settles later, once the
	// node has reacted to the abort; keep the status n8n would have stored.
	let reportedStatus: ExecutionStatus | undefined;
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
		reportedStatus ??= fullRunData.status;
	});

	const additionalData = buildAdditionalData({
		hooks,
		credentialsHelper: setup.credentialsHelper,
		executionId: setup.executionId,
		workflowId: setup.workflowData.id,
		instanceBaseUrl: setup.instanceBaseUrl,
		restartExecutionId: options.isResume ? setup.executionId : undefined,
	});

	const run = await runToEnd(setup, additionalData, runExecutionData, options);

	const result = toRunResult(setup, run, reportedStatus ?? run.status, executedNodes);
	setupOfResult.set(result, setup);
	return result;
}

async function runToEnd(
	setup: ExecutionSetup,
	additionalData: IWorkflowExecuteAdditionalData,
	runExecutionData: IRunExecutionData,
	options: ExecuteOptions,
): Promise<IRun> {
	const startedAt = new Date();
	let execution: CancelableRun;
	try {
		const workflowExecute = new WorkflowExecute(additionalData, setup.mode, runExecutionData);
		execution = workflowExecute.processRunExecutionData(setup.workflow);
	} catch (error) {
		// Raised before any node runs (e.g. WorkflowHasIssuesError for a missing required
		// parameter); n8n's WorkflowRunner records it as a failed execution, and so do we.
		return failedBeforeStart(error as Error, runExecutionData, setup.mode, startedAt);
	}
	return await settle(execution, options);
}

type CancelableRun = Promise<IRun> & { cancel(): void };

/**
 * Waits for the run. With `abortAfterMs` it cancels the run as n8n's "stop execution" does
 * (`PCancelable.cancel()`, which aborts the signal behind `getExecutionCancelSignal()`),
 * then insists the node actually stops: a node that ignores the signal fails the test
 * instead of hanging it.
 */
async function settle(execution: CancelableRun, options: ExecuteOptions): Promise<IRun> {
	const { abortAfterMs, cancelGraceMs = DEFAULT_CANCEL_GRACE_MS } = options;
	if (abortAfterMs === undefined) return await execution;

	const timers: NodeJS.Timeout[] = [];
	const notStoppedAfterCancel = new Promise<never>((_, reject) => {
		timers.push(
			setTimeout(() => {
				execution.cancel();
				const message =
					`Cancelled after ${abortAfterMs} ms, ` +
					`but the execution had not stopped ${cancelGraceMs} ms later`;
				timers.push(setTimeout(() => reject(new Error(message)), cancelGraceMs));
			}, abortAfterMs),
		);
	});
	try {
		return await Promise.race([execution, notStoppedAfterCancel]);
	} finally {
		timers.forEach(clearTimeout);
	}
}

function failedBeforeStart(
	error: Error,
	data: IRunExecutionData,
	mode: WorkflowExecuteMode,
	startedAt: Date,
): IRun {
	data.resultData.error = { ...error, message: error.message, stack: error.stack } as ExecutionError;
	return { data, mode, startedAt, stoppedAt: new Date(), storedAt: 'db', status: 'error' };
}

function toRunResult(
	setup: ExecutionSetup,
	run: IRun,
	status: ExecutionStatus,
	executedNodes: string[],
): RunResult {
	const { runData } = run.data.resultData;
	const error = run.data.resultData.error;
	const waitTill = run.waitTill ?? undefined;
	return {
		status,
		run,
		error,
		waitTill,
		resumeUrl: resumeUrlOf(setup, run.data),
		executionId: setup.executionId,
		executedNodes,
		logs: harnessLogger.drain(),
		output(nodeName: string, runIndex = 0) {
			const task = runData[nodeName]?.[runIndex];
			if (!task) {
				throw new Error(
					`Node "${nodeName}" has no run #${runIndex}; nodes that ran: ` +
						`${Object.keys(runData).join(', ') || 'none'}` +
						(error ? `; execution error: ${error.message}` : ''),
				);
			}
			if (task.error && !task.data) {
				throw new Error(`Node "${nodeName}" failed: ${task.error.message}`);
			}
			// A tool run by AI Agent v3 logs its output under ai_tool (`rewireOutputLogTo`).
			return task.data?.main?.[0] ?? task.data?.ai_tool?.[0] ?? [];
		},
	};
}

/** Same construction as n8n-core's `getAdditionalKeys` (`$execution.resumeUrl`). */
function resumeUrlOf(setup: ExecutionSetup, data: IRunExecutionData): string {
	const { webhookWaitingBaseUrl } = instanceUrls(setup.instanceBaseUrl);
	const url = new URL(`${webhookWaitingBaseUrl}/${setup.executionId}`);
	if (data.resumeToken) url.searchParams.set(WAITING_TOKEN_QUERY_PARAM, data.resumeToken);
	return url.toString();
}

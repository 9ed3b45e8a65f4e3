/**
 * "Retry" of a failed execution from n8n's executions list, as `ExecutionService.retry`
 * (packages/cli/src/executions/execution.service.ts) does it: a new execution in mode
 * `retry` that starts from the failed one's data (custom data included), with the error
 * removed and the failed node's errored run dropped, so the stack restarts at that node.
 */
import { harnessLogger } from './engine';
import type { RunResult } from './execution';
import { execute, setupOfResult } from './execution';

let retryCounter = 0;

export async function retryExecution(failed: RunResult): Promise<RunResult> {
	const setup = setupOfResult.get(failed);
	if (!setup) throw new Error('retryExecution needs a RunResult returned by the harness');
	if (failed.status !== 'error') throw new Error(`Execution ${failed.executionId} is "${failed.status}", not failed`);
	const data = structuredClone(failed.run.data);
	const { lastNodeExecuted } = data.resultData;
	delete data.resultData.error;
	const runs = lastNodeExecuted ? data.resultData.runData[lastNodeExecuted] : undefined;
	if (runs?.length && runs[runs.length - 1].error !== undefined) runs.pop();
	harnessLogger.drain();
	return await execute({ ...setup, mode: 'retry', executionId: `${setup.executionId}-retry${++retryCounter}` }, data, {});
}

import type { INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { TaskProblem } from '../api/problem';

/** The error a user sees for an item, naming the task and APIXO's fail code where there is one. */
export function problemError(
	ctx: { getNode(): INode },
	problem: TaskProblem,
	itemIndex: number,
	note = '',
): NodeApiError {
	const details: JsonObject = { message: problem.message };
	for (const key of ['taskId', 'failCode', 'failMsg', 'state'] as const) {
		if (problem[key] !== undefined) details[key] = problem[key];
	}
	return new NodeApiError(ctx.getNode(), details, {
		message: `Item ${itemIndex + 1}: ${problem.message}`,
		description: `${problem.description}${note}`,
		httpCode: problem.httpCode ? String(problem.httpCode) : undefined,
		itemIndex,
	});
}

/** Under Continue On Fail: the same facts as an item, paired with its input item. */
export function problemItem(problem: TaskProblem, itemIndex: number): INodeExecutionData {
	return { json: { error: problem.message, ...problemFacts(problem) }, pairedItem: { item: itemIndex } };
}

/**
 * For the error output ("Continue (using error output)"): n8n moves an item there only when its
 * json holds nothing but error, message and details, so the facts travel under `details`.
 */
export function errorOutputItem(problem: TaskProblem, itemIndex: number): INodeExecutionData {
	return { json: { error: problem.message, details: problemFacts(problem) }, pairedItem: { item: itemIndex } };
}

function problemFacts(problem: TaskProblem) {
	return {
		description: problem.description,
		taskId: problem.taskId ?? null,
		failCode: problem.failCode ?? null,
		failMsg: problem.failMsg ?? null,
		state: problem.state ?? 'failed',
	};
}

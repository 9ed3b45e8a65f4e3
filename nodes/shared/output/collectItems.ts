import type { INode, INodeExecutionData } from 'n8n-workflow';

import type { TaskProblem } from '../api/problem';
import type { PlannedTask } from '../submit/planTasks';
import type { SubmitResult } from '../submit/submitTasks';
import type { ItemCheck } from '../validate/validateItems';
import type { ApixoClient } from '../transport/client';
import type { PollSettings, TaskToWaitFor, WaitOutcome } from '../wait/waitForTask';
import { waitForTask } from '../wait/waitForTask';
import { errorOutputItem, problemError, problemItem } from './problemItems';
import type { DownloadContext } from './downloadVideo';
import type { DownloadSettings, TaskOrigin } from './videoItems';
import { plannedItem, submittedItem, videoItems } from './videoItems';

export type ItemResult = { itemIndex: number } & (
	| { ok: true; items: INodeExecutionData[] }
	| { ok: false; problem: TaskProblem }
);

/** A waited-for task's items, or why there are none. A failed download keeps the task ID. */
export async function finishedTaskResult(
	ctx: DownloadContext,
	taskId: string,
	outcome: WaitOutcome,
	origin: TaskOrigin,
	settings: DownloadSettings,
): Promise<ItemResult> {
	const { itemIndex } = origin;
	if (!outcome.ok) return { itemIndex, ok: false, problem: outcome.problem };
	try {
		return { itemIndex, ok: true, items: await videoItems(ctx, outcome.task, origin, settings) };
	} catch (error) {
		const { message, description } = error as { message: string; description?: string };
		return { itemIndex, ok: false, problem: { message, description: description ?? '', taskId, state: 'success' } };
	}
}

/** What turning results into output needs: the node, and whether it continues on fail. */
export interface OutputContext {
	getNode(): INode;
	continueOnFail(): boolean;
}

/**
 * Waits for one task and turns it into items at once: each video is downloaded as soon as its
 * own task finishes, while the others of the batch still render.
 */
export async function collectWhenFinished(
	ctx: DownloadContext,
	client: ApixoClient,
	task: TaskToWaitFor & { origin: TaskOrigin },
	settings: PollSettings & DownloadSettings,
): Promise<ItemResult> {
	const outcome = await waitForTask(client, task, settings);
	return await finishedTaskResult(ctx, task.taskId, outcome, task.origin, settings);
}

/**
 * Items in input order. Without Continue On Fail the first problem becomes the node's error,
 * and it lists the tasks that did finish, so no paid video is lost from sight.
 */
export function toOutput(ctx: OutputContext, results: ItemResult[]): INodeExecutionData[] {
	const ordered = [...results].sort((a, b) => a.itemIndex - b.itemIndex);
	const firstProblem = ordered.find((result) => !result.ok);
	if (firstProblem && !firstProblem.ok && !ctx.continueOnFail()) {
		const finishedTasks = ordered.flatMap((result) =>
			result.ok ? [`${String(result.items[0]?.json.taskId)} (item ${result.itemIndex + 1})`] : [],
		);
		const note = finishedTasks.length
			? ` Other items of this run did get their tasks; fetch them with Task → Get: ${finishedTasks.join(', ')}.`
			: '';
		throw problemError(ctx, firstProblem.problem, firstProblem.itemIndex, note);
	}
	const failedItem = ctx.getNode().onError === 'continueErrorOutput' ? errorOutputItem : problemItem;
	return ordered.flatMap((result) =>
		result.ok ? result.items : [failedItem(result.problem, result.itemIndex)],
	);
}

/** Items that failed validation, as results: only reached under Continue On Fail. */
export function invalidItemResults<Value>(checks: Array<ItemCheck<Value>>): ItemResult[] {
	return checks.flatMap((check): ItemResult[] =>
		check.ok
			? []
			: [
					{
						itemIndex: check.itemIndex,
						ok: false,
						problem: { message: check.error.message, description: check.error.description ?? '', state: 'invalid' },
					},
				],
	);
}

/** A submit that is not waited for: its task, or why APIXO did not take it. */
export function submittedResult(result: SubmitResult): ItemResult {
	if (!result.ok) return { itemIndex: result.itemIndex, ok: false, problem: result.problem };
	const origin = { itemIndex: result.itemIndex, mode: result.input.mode, cost: result.cost };
	return {
		itemIndex: result.itemIndex,
		ok: true,
		items: [submittedItem(result.taskId, result.input, origin, result.callbackUrl)],
	};
}

/** A Dry Run task: nothing was sent, so it always comes out, as state "planned". */
export function plannedResult(task: PlannedTask): ItemResult {
	const origin = { itemIndex: task.itemIndex, mode: task.input.mode, cost: task.cost };
	return { itemIndex: task.itemIndex, ok: true, items: [plannedItem(task.input, origin, task.request)] };
}

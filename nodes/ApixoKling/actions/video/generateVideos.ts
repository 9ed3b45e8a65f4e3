import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { TaskProblem } from '../../../shared/api/problem';
import { enforceCostCap } from '../../../shared/cost/costCap';
import { estimateCost } from '../../../shared/cost/price';
import { problemError, problemItem } from '../../../shared/output/problemItems';
import { submittedItem, videoItems } from '../../../shared/output/videoItems';
import type { SubmitResult } from '../../../shared/submit/submitTasks';
import { submitTasks } from '../../../shared/submit/submitTasks';
import { ApixoClient } from '../../../shared/transport/client';
import { validateItems } from '../../../shared/validate/validateItems';
import { waitForTasks } from '../../../shared/wait/waitForTasks';
import type { RunSettings } from './runSettings';
import { readRunSettings } from './runSettings';
import type { VideoOperation } from './VideoOperation';

type ItemResult = { itemIndex: number } & (
	| { ok: true; items: INodeExecutionData[] }
	| { ok: false; problem: TaskProblem }
);

/** validate → estimate and cap the cost → submit → wait → output, for every item at once. */
export async function generateVideos(
	ctx: IExecuteFunctions,
	operation: VideoOperation,
): Promise<INodeExecutionData[][]> {
	const settings = readRunSettings(ctx);
	const checks = validateItems(ctx, ctx.getInputData().length, operation.rules);
	const firstInvalid = checks.find((check) => !check.ok);
	if (firstInvalid && !firstInvalid.ok && !ctx.continueOnFail()) throw firstInvalid.error;

	const planned = checks.flatMap((check) =>
		check.ok ? [{ itemIndex: check.itemIndex, input: check.value, cost: estimateCost(check.value) }] : [],
	);
	enforceCostCap(ctx, planned, settings.maxCostUsd);

	const client = await ApixoClient.connect(ctx, settings);
	const submitted = await submitTasks(client, planned, settings);
	const results =
		settings.waitMode === 'none'
			? submitted.map(submittedResult)
			: await waitAndCollect(ctx, client, submitted, settings);

	const invalidResults: ItemResult[] = checks.flatMap((check) =>
		check.ok
			? []
			: [{ itemIndex: check.itemIndex, ok: false, problem: { message: check.error.message, description: check.error.description ?? '' } }],
	);
	return [toOutput(ctx, [...results, ...invalidResults])];
}

function submittedResult(result: SubmitResult): ItemResult {
	if (!result.ok) return { itemIndex: result.itemIndex, ok: false, problem: result.problem };
	return {
		itemIndex: result.itemIndex,
		ok: true,
		items: [submittedItem(result.taskId, result.input, { itemIndex: result.itemIndex, mode: result.input.mode, cost: result.cost })],
	};
}

async function waitAndCollect(
	ctx: IExecuteFunctions,
	client: ApixoClient,
	submitted: SubmitResult[],
	settings: RunSettings,
): Promise<ItemResult[]> {
	const accepted = submitted.flatMap((result) => (result.ok ? [result] : []));
	const outcomes = await waitForTasks(client, accepted, settings);
	const finished = await Promise.all(
		accepted.map(async (task, index): Promise<ItemResult> => {
			const outcome = outcomes[index];
			if (!outcome.ok) return { itemIndex: task.itemIndex, ok: false, problem: outcome.problem };
			const origin = { itemIndex: task.itemIndex, mode: task.input.mode, cost: task.cost };
			try {
				return { itemIndex: task.itemIndex, ok: true, items: await videoItems(ctx, outcome.task, origin, settings) };
			} catch (error) {
				const { message, description } = error as { message: string; description?: string };
				return {
					itemIndex: task.itemIndex,
					ok: false,
					problem: { message, description: description ?? '', taskId: task.taskId, state: 'success' },
				};
			}
		}),
	);
	const refused = submitted.flatMap((result): ItemResult[] =>
		result.ok ? [] : [{ itemIndex: result.itemIndex, ok: false, problem: result.problem }],
	);
	return [...finished, ...refused];
}

/**
 * Items in input order. Without Continue On Fail the first problem becomes the node's error,
 * and it lists the tasks that did finish, so no paid video is lost from sight.
 */
function toOutput(ctx: IExecuteFunctions, results: ItemResult[]): INodeExecutionData[] {
	const ordered = [...results].sort((a, b) => a.itemIndex - b.itemIndex);
	const firstProblem = ordered.find((result) => !result.ok);
	if (firstProblem && !firstProblem.ok && !ctx.continueOnFail()) {
		const finishedTasks = ordered.flatMap((result) =>
			result.ok ? [`${String(result.items[0]?.json.taskId)} (item ${result.itemIndex + 1})`] : [],
		);
		const note = finishedTasks.length
			? ` Other items of this run did get their videos; fetch them with Task → Get: ${finishedTasks.join(', ')}.`
			: '';
		throw problemError(ctx, firstProblem.problem, firstProblem.itemIndex, note);
	}
	return ordered.flatMap((result) => (result.ok ? result.items : [problemItem(result.problem, result.itemIndex)]));
}

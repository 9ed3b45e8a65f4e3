import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { enforceCostCap } from '../../../shared/cost/costCap';
import { planCosts } from '../../../shared/cost/planCosts';
import type { ItemResult } from '../../../shared/output/collectItems';
import {
	collectWhenFinished,
	invalidItemResults,
	submittedResult,
	toOutput,
} from '../../../shared/output/collectItems';
import type { SubmitResult, TaskToSubmit } from '../../../shared/submit/submitTasks';
import { submitTasks } from '../../../shared/submit/submitTasks';
import { ApixoClient } from '../../../shared/transport/client';
import { throwFirstInvalid, validateItems } from '../../../shared/validate/validateItems';
import type { RunSettings } from '../runSettings';
import { readRunSettings } from '../runSettings';
import { pauseForCallback } from './resume/pauseForCallback';
import type { VideoOperation } from './VideoOperation';

/** validate → estimate and cap the cost → submit → wait → output, for every item at once. */
export async function generateVideos(
	ctx: IExecuteFunctions,
	operation: VideoOperation,
): Promise<INodeExecutionData[][]> {
	const settings = readRunSettings(ctx);
	const valid = await validateItems(ctx, ctx.getInputData().length, operation.rules);
	throwFirstInvalid(ctx, valid);
	const checks = await planCosts(ctx, valid, settings);
	throwFirstInvalid(ctx, checks);
	const planned = checks.flatMap((check) => (check.ok ? [check.value] : []));
	enforceCostCap(ctx, planned, settings.maxCostUsd);

	const client = await ApixoClient.connect(ctx, settings);
	// In the log as soon as paid: if the process dies mid-run (a worker crash in queue mode),
	// the log is where the task IDs survive, for Task → Wait.
	const onAccepted = (taskId: string, task: TaskToSubmit) =>
		ctx.logger.info(`APIXO task ${taskId} submitted for item ${task.itemIndex + 1}`, {
			executionId: ctx.getExecutionId(),
			taskId,
		});
	if (settings.waitMode === 'resume' && planned.length > 0) {
		return await pauseForCallback(ctx, client, planned, { ...settings, onAccepted }, invalidItemResults(checks));
	}
	const submitted = await submitTasks(client, planned, { ...settings, onAccepted });
	const results =
		settings.waitMode === 'poll'
			? await waitAndCollect(ctx, client, submitted, settings)
			: submitted.map((result) => submittedResult(result, settings.callbackUrl));

	return [toOutput(ctx, [...results, ...invalidItemResults(checks)])];
}

async function waitAndCollect(
	ctx: IExecuteFunctions,
	client: ApixoClient,
	submitted: SubmitResult[],
	settings: RunSettings,
): Promise<ItemResult[]> {
	const accepted = submitted.flatMap((result) => (result.ok ? [result] : []));
	const finished = await Promise.all(
		accepted.map(async (task) => {
			const origin = { itemIndex: task.itemIndex, mode: task.input.mode, cost: task.cost };
			const videoSeconds = task.cost.billedSeconds;
			return await collectWhenFinished(ctx, client, { ...task, origin, videoSeconds }, settings);
		}),
	);
	const refused = submitted.flatMap((result): ItemResult[] =>
		result.ok ? [] : [{ itemIndex: result.itemIndex, ok: false, problem: result.problem }],
	);
	return [...finished, ...refused];
}

import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { planCosts } from '../../../shared/cost/planCosts';
import type { ItemResult } from '../../../shared/output/collectItems';
import {
	collectWhenFinished,
	invalidItemResults,
	plannedResult,
	submittedResult,
	toOutput,
} from '../../../shared/output/collectItems';
import type { PaidTasks } from '../../../shared/submit/paidTasks';
import { planTasks } from '../../../shared/submit/planTasks';
import { submitOnce } from '../../../shared/submit/submitOnce';
import type { SubmitResult } from '../../../shared/submit/submitTasks';
import { isToolCall, toolAnswers, toolSettings } from '../../../shared/tool/toolCall';
import { ApixoClient } from '../../../shared/transport/client';
import { validateWithMedia } from '../../../shared/media/validateWithMedia';
import { withCallbackUrls } from '../../../shared/validate/callbackUrl';
import { throwFirstInvalid } from '../../../shared/validate/validateItems';
import type { RunSettings } from '../runSettings';
import { readRunSettings } from '../runSettings';
import { pauseForCallback } from './resume/pauseForCallback';
import { reachableResumeUrl } from './resume/resumeUrl';
import type { VideoOperation } from './VideoOperation';

/**
 * validate → estimate and cap the cost → submit → wait → output, for every item at once; a Dry
 * Run stops at submit, with what it would have sent.
 */
export async function generateVideos(
	ctx: IExecuteFunctions,
	operation: VideoOperation,
): Promise<INodeExecutionData[][]> {
	const toolCall = isToolCall(ctx);
	const settings = toolCall ? toolSettings(ctx, readRunSettings(ctx)) : readRunSettings(ctx);
	const { checks: valid, videoSeconds } = await validateWithMedia(ctx, operation.rules, operation.binaryMedia, settings);
	throwFirstInvalid(ctx, valid);
	const priced = await planCosts(ctx, valid, settings, videoSeconds);
	const checks = settings.waitMode === 'callback' ? withCallbackUrls(ctx, priced, settings.allowPrivateUrls) : priced;
	throwFirstInvalid(ctx, checks);
	const planned = checks.flatMap((check) => (check.ok ? [check.value] : []));
	const resumeUrl =
		settings.waitMode === 'resume' && planned.length > 0 ? reachableResumeUrl(ctx, settings.allowPrivateUrls) : undefined;
	const output = (results: ItemResult[]) => {
		const all = [...results, ...invalidItemResults(checks)];
		const costs = new Map(planned.map((item) => [item.itemIndex, item.cost]));
		return [toOutput(ctx, toolCall ? toolAnswers(all, costs) : all)];
	};

	// Read by a Dry Run too, sending nothing: a run without its credential fails either way.
	const client = await ApixoClient.connect(ctx, settings);
	// The one place a Dry Run parts from a real run: the submit stage plans instead of paying,
	// with the same Max Cost check and the same request body.
	if (settings.dryRun) {
		return output(planTasks(ctx, planned, { ...settings, callbackUrl: resumeUrl }).map(plannedResult));
	}
	if (resumeUrl) return await pauseForCallback(ctx, client, planned, settings, resumeUrl, invalidItemResults(checks));
	const { results: submitted, paid } = await submitOnce(ctx, client, planned, settings);
	return output(
		settings.waitMode === 'poll'
			? await waitAndCollect(ctx, client, submitted, settings, paid)
			: submitted.map((result) => submittedResult(result)),
	);
}

async function waitAndCollect(
	ctx: IExecuteFunctions,
	client: ApixoClient,
	submitted: SubmitResult[],
	settings: RunSettings,
	paid: PaidTasks,
): Promise<ItemResult[]> {
	const accepted = submitted.flatMap((result) => (result.ok ? [result] : []));
	const finished = await Promise.all(
		accepted.map(async (task) => {
			const origin = { itemIndex: task.itemIndex, mode: task.input.mode, cost: task.cost };
			const firstPollDelayMs = task.reused ? 0 : settings.firstPollDelayMs;
			const videoSeconds = task.cost.billedSeconds;
			const result = await collectWhenFinished(ctx, client, { ...task, origin, videoSeconds }, { ...settings, firstPollDelayMs });
			if (!result.ok && result.problem.state === 'failed') paid.taskFailed(task.taskId);
			return result;
		}),
	);
	const refused = submitted.flatMap((result): ItemResult[] =>
		result.ok ? [] : [{ itemIndex: result.itemIndex, ok: false, problem: result.problem }],
	);
	return [...finished, ...refused];
}

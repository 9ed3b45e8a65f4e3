import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemResult } from '../../../../shared/output/collectItems';
import { submittedResult, toOutput } from '../../../../shared/output/collectItems';
import type { SubmitSettings, TaskToSubmit } from '../../../../shared/submit/submitTasks';
import { submitTasks } from '../../../../shared/submit/submitTasks';
import type { ApixoClient } from '../../../../shared/transport/client';
import type { RunSettings } from '../../runSettings';
import { callbackUrlWithBatch } from './resumeBatch';

/**
 * Resume mode: submit, then pause the execution until APIXO calls back, holding no worker.
 * One resume URL wakes an execution once, so every task but the last is submitted without a
 * callback, and the last one's callback URL lists them all: the wake-up call gathers the rest.
 */
export async function pauseForCallback(
	ctx: IExecuteFunctions,
	client: ApixoClient,
	planned: TaskToSubmit[],
	settings: RunSettings & Pick<SubmitSettings, 'onAccepted'>,
	invalid: ItemResult[],
): Promise<INodeExecutionData[][]> {
	const resumeUrl = ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof resumeUrl !== 'string' || !resumeUrl.startsWith('http')) {
		throw new NodeOperationError(ctx.getNode(), 'n8n gave no resume URL for this execution', {
			description: 'Resume mode needs a saved workflow run by n8n; use Poll mode here.',
		});
	}
	const last = planned[planned.length - 1];
	const others = await submitTasks(client, planned.slice(0, -1), settings);
	const othersAccepted = others.every((result) => result.ok);
	const callbackUrl = callbackUrlWithBatch(resumeUrl, {
		mode: last.input.mode,
		tasks: [
			...others.map((result) => ({
				taskId: result.ok ? result.taskId : undefined,
				itemIndex: result.itemIndex,
				...result.cost,
			})),
			{ itemIndex: last.itemIndex, ...last.cost },
		],
	});
	const lastResult = othersAccepted ? (await submitTasks(client, [last], { ...settings, callbackUrl }))[0] : undefined;
	const submitted = lastResult ? [...others, lastResult] : others;

	if (!lastResult?.ok) {
		// Without the task that would wake it, the execution must not wait: report what was paid.
		return [toOutput(ctx, [...submitted.map((result) => submittedResult(result)), ...invalid])];
	}
	rememberTaskIds(ctx, submitted.flatMap((result) => (result.ok ? [result.taskId] : [])));
	await ctx.putExecutionToWait(new Date(Date.now() + settings.timeoutMs));
	return [toOutput(ctx, [...submitted.map((result) => submittedResult(result)), ...invalid])];
}

/** n8n's custom execution data holds at most 10 values of 255 characters. */
const CUSTOM_DATA_KEYS = 10;
const CUSTOM_DATA_VALUE_LENGTH = 255;

/**
 * If the wait limit passes without a callback, n8n continues with the node's input items and
 * drops what it returned before waiting: the task IDs stay readable, for Task → Wait, in the
 * execution's custom data (`$execution.customData.get("apixoTaskIds")`).
 */
function rememberTaskIds(ctx: IExecuteFunctions, taskIds: string[]) {
	const values: string[] = [];
	for (const taskId of taskIds) {
		const current = values[values.length - 1];
		if (current !== undefined && current.length + taskId.length + 1 <= CUSTOM_DATA_VALUE_LENGTH) {
			values[values.length - 1] = `${current},${taskId}`;
		} else if (values.length < CUSTOM_DATA_KEYS) {
			values.push(taskId);
		}
	}
	values.forEach((value, index) => ctx.customData.set(index === 0 ? 'apixoTaskIds' : `apixoTaskIds${index + 1}`, value));
}

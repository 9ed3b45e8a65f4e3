import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sleepUnlessCancelled } from '../../../shared/sleepUnlessCancelled';

import type { TaskRecord } from '../../../shared/api/schemas';
import { MODEL_ID } from '../../../shared/api/schemas';
import type { ItemResult } from '../../../shared/output/collectItems';
import { invalidItemResults, toOutput } from '../../../shared/output/collectItems';
import { videoItems } from '../../../shared/output/videoItems';
import { isToolCall, toolAnswers, toolSettings } from '../../../shared/tool/toolCall';
import { ApixoClient } from '../../../shared/transport/client';
import { backoffMs } from '../../../shared/transport/retry';
import type { StatusReading } from '../../../shared/wait/readStatus';
import { readStatus } from '../../../shared/wait/readStatus';
import type { RunSettings } from '../runSettings';
import { readRunSettings } from '../runSettings';
import { readTaskIds } from './readTaskIds';
import { taskIdProperty } from './taskId.description';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['get'] } },
	[taskIdProperty],
);

/** A status read is free and changes nothing, so a passing fault gets a few more tries. */
const READ_ATTEMPTS = 4;

/** One status read per item: the task's state, its videos when done, its fail code when failed. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const toolCall = isToolCall(ctx);
	const settings = toolCall ? toolSettings(ctx, readRunSettings(ctx)) : readRunSettings(ctx);
	const checks = await readTaskIds(ctx);
	const client = await ApixoClient.connect(ctx, settings);
	const results = await Promise.all(
		checks.flatMap((check) =>
			check.ok ? [getTask(ctx, client, check.value, check.itemIndex, settings)] : [],
		),
	);
	const all = [...results, ...invalidItemResults(checks)];
	return [toOutput(ctx, toolCall ? toolAnswers(all) : all)];
}

async function getTask(
	ctx: IExecuteFunctions,
	client: ApixoClient,
	taskId: string,
	itemIndex: number,
	settings: RunSettings,
): Promise<ItemResult> {
	const reading = await readPatiently(client, taskId, settings);
	switch (reading.kind) {
		case 'succeeded':
			return { itemIndex, ok: true, items: await videoItems(ctx, reading.task, { itemIndex }, settings) };
		case 'running':
		case 'failed':
			return { itemIndex, ok: true, items: [stateItem(reading, taskId, itemIndex)] };
		case 'final':
			return { itemIndex, ok: false, problem: reading.problem };
		case 'transient':
			return {
				itemIndex,
				ok: false,
				problem: {
					message: `Could not read task ${taskId}: ${reading.reason}`,
					description: 'APIXO did not answer usefully after several tries. Run the node again later.',
					taskId,
					state: 'unknown',
				},
			};
	}
}

async function readPatiently(client: ApixoClient, taskId: string, settings: RunSettings): Promise<StatusReading> {
	for (let attempt = 1; ; attempt++) {
		const reading = await readStatus(client, taskId);
		if (reading.kind !== 'transient' || attempt >= READ_ATTEMPTS) return reading;
		await sleepUnlessCancelled(backoffMs(attempt, settings.retryBaseMs, reading.retryAfterMs), client.cancelSignal);
	}
}

function stateItem(
	reading: Extract<StatusReading, { kind: 'running' | 'failed' }>,
	taskId: string,
	itemIndex: number,
): INodeExecutionData {
	const json =
		reading.kind === 'running'
			? { taskId, model: MODEL_ID, state: reading.state }
			: {
					taskId,
					model: MODEL_ID,
					state: 'failed' as TaskRecord['state'],
					failCode: reading.problem.failCode ?? null,
					failMsg: reading.problem.failMsg ?? null,
					error: reading.problem.message,
				};
	return { json, pairedItem: { item: itemIndex } };
}

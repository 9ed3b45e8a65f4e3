import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { collectWhenFinished, invalidItemResults, toOutput } from '../../../shared/output/collectItems';
import { isToolCall, toolAnswers, toolSettings } from '../../../shared/tool/toolCall';
import { ApixoClient } from '../../../shared/transport/client';
import { readRunSettings } from '../runSettings';
import { readTaskIds } from './readTaskIds';
import { taskIdProperty } from './taskId.description';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['task'], operation: ['wait'] } },
	[taskIdProperty],
);

/**
 * Waits for tasks submitted earlier (after a timeout, or a No Wait or Callback submit) with the
 * same engine as the video operations: all items side by side, first read at once.
 */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const toolCall = isToolCall(ctx);
	const settings = toolCall ? toolSettings(ctx, readRunSettings(ctx)) : readRunSettings(ctx);
	const checks = await readTaskIds(ctx);
	const client = await ApixoClient.connect(ctx, settings);
	const startedAt = Date.now();
	const valid = checks.flatMap((check) => (check.ok ? [check] : []));
	const results = await Promise.all(
		valid.map(async (check) => {
			const task = { taskId: check.value, submittedAt: startedAt, origin: { itemIndex: check.itemIndex } };
			return await collectWhenFinished(ctx, client, task, { ...settings, firstPollDelayMs: 0 });
		}),
	);
	const all = [...results, ...invalidItemResults(checks)];
	return [toOutput(ctx, toolCall ? toolAnswers(all) : all)];
}

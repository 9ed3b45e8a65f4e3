import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { z } from 'zod';

import type { TaskProblem } from '../../../../shared/api/problem';
import { API_MODES, MODEL_ID } from '../../../../shared/api/schemas';
import type { ItemResult } from '../../../../shared/output/collectItems';
import { problemItem } from '../../../../shared/output/problemItems';
import type { SubmitResult } from '../../../../shared/submit/submitTasks';

/**
 * What a paused Resume run leaves behind, one item per input item: the task it waits for, or
 * why the item has none. n8n gives the webhook of a waiting execution the waiting node's input
 * items, and passes them on unchanged when the wait limit passes, so the node puts these in
 * place of its input: the webhook reads the whole batch from them (no size limit, unlike the
 * callback URL or custom data), and a wait that ends without callbacks continues with items
 * that say "timeout" and carry their task IDs, never with the input as if it were videos.
 */
const waitingTaskSchema = z.object({
	taskId: z.string().min(1),
	model: z.literal(MODEL_ID),
	mode: z.enum(API_MODES),
	state: z.literal('timeout'),
	billedSeconds: z.number(),
	estimatedCostUsd: z.number(),
	waitedUntil: z.string(),
});

export type WaitingTask = z.infer<typeof waitingTaskSchema> & { itemIndex: number };

export interface WaitingBatch {
	tasks: WaitingTask[];
	/** Items without a task (refused before or at submit), as the run output them. */
	problems: ItemResult[];
	/** When n8n ends the wait: nothing in the webhook may run past it. */
	waitedUntil: number;
}

export function waitingItems(
	itemCount: number,
	submitted: SubmitResult[],
	notSubmitted: ItemResult[],
	waitedUntil: Date,
): INodeExecutionData[] {
	const items: INodeExecutionData[] = [];
	const byItem = new Map<number, INodeExecutionData>();
	for (const result of submitted) {
		byItem.set(
			result.itemIndex,
			result.ok
				? {
						json: {
							taskId: result.taskId,
							model: MODEL_ID,
							mode: result.input.mode,
							state: 'timeout',
							billedSeconds: result.cost.billedSeconds,
							estimatedCostUsd: result.cost.estimatedCostUsd,
							waitedUntil: waitedUntil.toISOString(),
							message: `APIXO did not call back before the wait limit. The task was paid for and may still finish: use Task → Wait with task ID ${result.taskId}.`,
						},
						pairedItem: { item: result.itemIndex },
					}
				: problemItem(result.problem, result.itemIndex),
		);
	}
	for (const result of notSubmitted) {
		if (!result.ok) byItem.set(result.itemIndex, problemItem(result.problem, result.itemIndex));
	}
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		items.push(byItem.get(itemIndex) ?? { json: {}, pairedItem: { item: itemIndex } });
	}
	return items;
}

/** The batch a callback belongs to, read back from the waiting node's input; undefined if none. */
export function readWaitingBatch(items: unknown): WaitingBatch | undefined {
	if (!Array.isArray(items)) return undefined;
	const batch: WaitingBatch = { tasks: [], problems: [], waitedUntil: Number.POSITIVE_INFINITY };
	items.forEach((item: { json?: IDataObject }, itemIndex) => {
		const task = waitingTaskSchema.safeParse(item?.json);
		if (task.success) {
			batch.tasks.push({ ...task.data, itemIndex });
			batch.waitedUntil = Math.min(batch.waitedUntil, Date.parse(task.data.waitedUntil) || Number.POSITIVE_INFINITY);
		} else if (item?.json && typeof item.json.error === 'string') {
			batch.problems.push({ itemIndex, ok: false, problem: problemOf(item.json) });
		}
	});
	return batch.tasks.length > 0 ? batch : undefined;
}

function problemOf(json: IDataObject): TaskProblem {
	const text = (key: string) => (typeof json[key] === 'string' ? (json[key] as string) : undefined);
	return {
		message: text('error') ?? 'Item not submitted',
		description: text('description') ?? '',
		taskId: text('taskId'),
		failCode: text('failCode'),
		failMsg: text('failMsg'),
		state: text('state') as TaskProblem['state'],
	};
}

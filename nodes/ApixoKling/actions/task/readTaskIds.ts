import type { IExecuteFunctions } from 'n8n-workflow';
import { z } from 'zod';

import type { ItemCheck } from '../../../shared/validate/validateItems';
import { throwFirstInvalid, validateItems } from '../../../shared/validate/validateItems';

const taskIdRules = {
	readParameters: (ctx: IExecuteFunctions, itemIndex: number) => ({
		taskId: ctx.getNodeParameter('taskId', itemIndex, ''),
	}),
	schema: z
		.object({
			taskId: z
				.string({ required_error: 'is required', invalid_type_error: 'must be text, e.g. task_12345678' })
				.trim()
				.min(1, 'is required: use the taskId of a video item or error'),
		})
		.transform((value) => value.taskId),
	fieldLabels: { taskId: 'Task ID' },
};

/** Every item's task ID, checked before any request. */
export async function readTaskIds(ctx: IExecuteFunctions): Promise<Array<ItemCheck<string>>> {
	const checks = await validateItems(ctx, ctx.getInputData().length, taskIdRules);
	throwFirstInvalid(ctx, checks);
	return checks;
}

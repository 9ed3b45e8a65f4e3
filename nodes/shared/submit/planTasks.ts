import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { enforceCostCap } from '../cost/costCap';
import { submitBody } from './submitBody';
import type { TaskToSubmit } from './submitTasks';

/** A task a Dry Run would have submitted, with the body it would have sent. */
export interface PlannedTask extends TaskToSubmit {
	request: IDataObject;
}

/**
 * Dry Run, in place of `submitOnce`: the same cost cap over the same tasks and the same body
 * builder, sent nowhere. No ledger entry either: nothing was paid, so a real run pays afresh.
 */
export function planTasks(
	ctx: IExecuteFunctions,
	tasks: TaskToSubmit[],
	settings: { maxCostUsd: number; callbackUrl?: string },
): PlannedTask[] {
	enforceCostCap(ctx, tasks, settings.maxCostUsd);
	return tasks.map((task) => ({ ...task, request: submitBody(task, task.callbackUrl ?? settings.callbackUrl) }));
}

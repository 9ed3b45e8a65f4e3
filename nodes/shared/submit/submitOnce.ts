import type { IExecuteFunctions } from 'n8n-workflow';

import { enforceCostCap } from '../cost/costCap';
import type { ApixoClient } from '../transport/client';
import { PaidTasks } from './paidTasks';
import type { SubmitResult, SubmitSettings, TaskToSubmit } from './submitTasks';
import { submitTasks } from './submitTasks';

export interface SubmitOnceSettings extends Omit<SubmitSettings, 'onAccepted'> {
	maxCostUsd: number;
}

/**
 * Pays for each item at most once, however often n8n runs the node: tasks an earlier try
 * got accepted are handed back as accepted, items whose earlier submit may have been taken
 * come back refused, and only the rest are sent (within Max Cost). Returns the ledger, so
 * the caller can release tasks that APIXO failed.
 */
export async function submitOnce(
	ctx: IExecuteFunctions,
	client: ApixoClient,
	tasks: TaskToSubmit[],
	settings: SubmitOnceSettings,
): Promise<{ results: SubmitResult[]; paid: PaidTasks }> {
	const paid = PaidTasks.open(ctx);
	const plan = paid.plan(tasks);
	enforceCostCap(ctx, plan.toSubmit, settings.maxCostUsd);
	let submitted: SubmitResult[];
	try {
		submitted = await submitTasks(client, plan.toSubmit, {
			...settings,
			// Remembered and logged as soon as paid: if the process dies mid-run (a worker crash in
			// queue mode), the log is where the task IDs survive, for Task → Wait.
			onAccepted: (taskId, task) => {
				paid.accepted(task, taskId);
				ctx.logger.info(`APIXO task ${taskId} submitted for item ${task.itemIndex + 1}`, {
					executionId: ctx.getExecutionId(),
					taskId,
				});
			},
		});
		for (const result of submitted) {
			if (!result.ok && result.problem.state === 'unknown') paid.unknownOutcome(result);
		}
	} finally {
		// However the submits end (a cancel included), what was paid reaches custom data.
		paid.save();
	}
	const held = new Map(plan.refused.map((refusal) => [refusal.itemIndex, refusal.problem]));
	const results: SubmitResult[] = [
		...submitted,
		...plan.reused.map((task): SubmitResult => ({ ...task, ok: true, reused: true })),
		...tasks.flatMap((task): SubmitResult[] => {
			const problem = held.get(task.itemIndex);
			return problem ? [{ ...task, ok: false, problem }] : [];
		}),
	];
	return { results: results.sort((a, b) => a.itemIndex - b.itemIndex), paid };
}

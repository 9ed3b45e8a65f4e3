import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CostEstimate } from './price';
import { roundUsd } from './price';

/** Refuses the whole run, before anything is submitted, when its estimate is over the cap. */
export function enforceCostCap(
	ctx: IExecuteFunctions,
	tasks: Array<{ cost: CostEstimate }>,
	maxCostUsd: number,
): void {
	if (maxCostUsd <= 0) return;
	const totalUsd = roundUsd(tasks.reduce((sum, task) => sum + task.cost.estimatedCostUsd, 0));
	if (totalUsd <= maxCostUsd) return;
	const seconds = tasks.reduce((sum, task) => sum + task.cost.billedSeconds, 0);
	throw new NodeOperationError(
		ctx.getNode(),
		`Estimated cost $${totalUsd.toFixed(2)} is over Max Cost $${maxCostUsd.toFixed(2)}`,
		{
			description: `${tasks.length} video(s), ${seconds} billed second(s) in all. Nothing was submitted. Raise Max Cost, send fewer items, shorten the videos or turn Sound off.`,
		},
	);
}

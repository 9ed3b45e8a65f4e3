import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { z } from 'zod';

import { TimeSlices } from '../timeSlices';

/** What an operation gives the validator: how to read an item's parameters, and their rules. */
export interface ItemRules<Output> {
	readParameters(ctx: IExecuteFunctions, itemIndex: number): Record<string, unknown>;
	schema: z.ZodType<Output, z.ZodTypeDef, unknown>;
	/** Parameter name → the label the user sees in the panel. */
	fieldLabels: Record<string, string>;
}

export type ItemCheck<Output> =
	| { itemIndex: number; ok: true; value: Output }
	| { itemIndex: number; ok: false; error: NodeOperationError };

/**
 * Checks every item before anything is paid for. Each failure is a NodeOperationError that
 * names the item, the field, the allowed values and the fix.
 */
export async function validateItems<Output>(
	ctx: IExecuteFunctions,
	itemCount: number,
	rules: ItemRules<Output>,
): Promise<Array<ItemCheck<Output>>> {
	const checks: Array<ItemCheck<Output>> = [];
	const slices = new TimeSlices();
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		await slices.yieldIfDue();
		const parsed = rules.schema.safeParse(rules.readParameters(ctx, itemIndex));
		if (parsed.success) {
			checks.push({ itemIndex, ok: true, value: parsed.data });
			continue;
		}
		const problems = parsed.error.issues.map(
			(issue) => `${fieldName(issue.path, rules.fieldLabels)} ${issue.message}`,
		);
		const error = new NodeOperationError(
			ctx.getNode(),
			`Item ${itemIndex + 1}: ${problems[0]}`,
			{
				itemIndex,
				description:
					(problems.length > 1 ? `Also: ${problems.slice(1).join('; ')}. ` : '') +
					'Nothing was sent to APIXO, so nothing was charged. Fix the value and run again.',
			},
		);
		checks.push({ itemIndex, ok: false, error });
	}
	return checks;
}

/** Without Continue On Fail, one invalid item stops the run before anything is paid. */
export function throwFirstInvalid<Value>(ctx: IExecuteFunctions, checks: Array<ItemCheck<Value>>): void {
	const firstInvalid = checks.find((check) => !check.ok);
	if (firstInvalid && !firstInvalid.ok && !ctx.continueOnFail()) throw firstInvalid.error;
}

function fieldName(path: Array<string | number>, labels: Record<string, string>): string {
	const [field, index, sub] = path;
	const label = labels[String(field)] ?? String(field ?? 'Input');
	if (typeof index !== 'number') return label;
	const entry = `${label} #${index + 1}`;
	return sub === undefined ? entry : `${entry} ${labels[String(sub)] ?? sub}`.trim();
}

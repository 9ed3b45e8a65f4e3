import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * The execution's custom data (`$execution.customData`), reached through the expression proxy:
 * `ctx.customData` exists only from n8n-core 2.17, the proxy on every supported n8n.
 * It travels with the execution's data, so a retry of a failed execution reads what the
 * failed one wrote.
 */
export interface ExecutionCustomData {
	get(key: string): string | undefined;
	set(key: string, value: string): void;
}

/** n8n keeps 10 custom values per execution, each up to 255 characters before it logs errors. */
export const CUSTOM_DATA_VALUE_LENGTH = 255;

export function executionCustomData(ctx: IExecuteFunctions): ExecutionCustomData | undefined {
	const proxy = ctx.getWorkflowDataProxy(0) as {
		$execution?: { customData?: { get(key: string): unknown; set(key: string, value: string): void } };
	};
	const customData = proxy.$execution?.customData;
	if (!customData || typeof customData.get !== 'function' || typeof customData.set !== 'function') {
		return undefined;
	}
	return {
		get: (key) => {
			const value = customData.get(key);
			return typeof value === 'string' ? value : undefined;
		},
		set: (key, value) => customData.set(key, value),
	};
}

/** Which run of the node this is within the execution: loops run a node several times. */
export function runIndexOf(ctx: IExecuteFunctions): number {
	const { $runIndex } = ctx.getWorkflowDataProxy(0) as { $runIndex?: unknown };
	return typeof $runIndex === 'number' ? $runIndex : 0;
}

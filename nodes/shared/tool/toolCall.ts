import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CostEstimate } from '../cost/price';
import type { ItemResult } from '../output/collectItems';

/**
 * MCP clients give up after 60 s by default and chat front ends after about 90 s, so a tool
 * call returns before either; the agent picks the task up later with Task → Wait.
 */
export const TOOL_DEFAULT_TIMEOUT_S = 45;
/** An agent in a loop can submit again and again: without a cap of the user's, stop at this. */
export const TOOL_DEFAULT_MAX_COST_USD = 2;

/**
 * The node runs as an agent's tool: through a sub-node or the MCP Server Trigger
 * (`isToolExecution`, n8n 2.x), or pushed onto the stack by AI Agent v3, which marks it only
 * by its `…Tool` type and by rewiring its output log to `ai_tool`.
 */
export function isToolCall(ctx: IExecuteFunctions): boolean {
	const node = ctx.getNode();
	const isToolExecution = (ctx as Partial<Pick<IExecuteFunctions, 'isToolExecution'>>).isToolExecution;
	return (
		isToolExecution?.call(ctx) === true || node.type.endsWith('Tool') || node.rewireOutputLogTo === 'ai_tool'
	);
}

interface ToolAdjustable {
	waitMode?: string;
	timeoutMs: number;
	download: boolean;
	maxCostUsd: number;
}

/**
 * What a tool call may do: no download (an agent never receives binary data), a Timeout short
 * enough for the caller, a cost cap unless the user set one, and no Resume (nothing resumes a
 * tool's execution). Refused before anything is paid.
 */
export function toolSettings<Settings extends ToolAdjustable>(ctx: IExecuteFunctions, settings: Settings): Settings {
	if (settings.waitMode === 'resume') {
		throw new NodeOperationError(ctx.getNode(), 'Resume on Callback cannot be used when the node runs as a tool', {
			description:
				'Nothing resumes an agent’s tool call, so nothing was sent to APIXO. Use Wait Mode “Poll” with a short Timeout ' +
				'(the call answers state "timeout" with a taskId), then a Task → Wait tool with that taskId; or “No Wait” plus ' +
				'a Task → Get or Task → Wait tool.',
		});
	}
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		...settings,
		download: false,
		timeoutMs: options.timeout === undefined ? TOOL_DEFAULT_TIMEOUT_S * 1000 : settings.timeoutMs,
		maxCostUsd: settings.maxCostUsd > 0 ? settings.maxCostUsd : TOOL_DEFAULT_MAX_COST_USD,
	};
}

/** A wait that ended on these states (the last one read) ended at its Timeout, not at a result. */
const STILL_RENDERING = new Set<string>(['pending', 'processing', 'unknown', 'timeout']);

const ANSWER_KEYS = ['taskId', 'state', 'videoUrl', 'billedSeconds', 'estimatedCostUsd', 'expiresAt', 'failCode', 'error', 'request'];

const NEXT_STEP: Record<string, string> = {
	success: 'The video is ready: give the user videoUrl (it expires at expiresAt, ms since epoch).',
	submitted: 'The video is rendering: call Task → Wait (or Task → Get) later with this taskId.',
	pending: 'The video is still rendering: call Task → Wait later with this taskId.',
	processing: 'The video is still rendering: call Task → Wait later with this taskId.',
	failed: 'APIXO failed this task: tell the user the error; submitting again costs again.',
	planned:
		'Dry Run: nothing was submitted or paid. Tell the user the estimated cost; request is what would be sent. The video is made only once the workflow’s Dry Run option is off.',
};

/**
 * The answers an agent reads: a Timeout becomes `{ taskId, state: "timeout" }` with what to do
 * next instead of an error, and every item keeps only what the agent needs to tell the user
 * and to call again.
 */
export function toolAnswers(results: ItemResult[], costs: Map<number, CostEstimate> = new Map()): ItemResult[] {
	return results.map((result): ItemResult => {
		if (result.ok) return { ...result, items: result.items.map(compactItem) };
		const { problem } = result;
		if (!problem.taskId || !STILL_RENDERING.has(problem.state ?? 'failed')) return result;
		const cost = costs.get(result.itemIndex);
		const json: IDataObject = {
			taskId: problem.taskId,
			state: 'timeout',
			...(cost && { billedSeconds: cost.billedSeconds, estimatedCostUsd: cost.estimatedCostUsd }),
			message: `${problem.message} Call Task → Wait later with this taskId; it is paid for, do not submit it again.`,
		};
		return { itemIndex: result.itemIndex, ok: true, items: [{ json, pairedItem: { item: result.itemIndex } }] };
	});
}

function compactItem(item: INodeExecutionData): INodeExecutionData {
	const json: IDataObject = {};
	for (const key of ANSWER_KEYS) {
		if (item.json[key] !== undefined && item.json[key] !== null) json[key] = item.json[key];
	}
	const next = NEXT_STEP[String(item.json.state)];
	if (next) json.message = next;
	return { json, pairedItem: item.pairedItem };
}

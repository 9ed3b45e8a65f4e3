import type { INodeProperties } from 'n8n-workflow';

import { TOOL_DEFAULT_MAX_COST_USD, TOOL_DEFAULT_TIMEOUT_S } from './toolCall';

/** Shown only on the `…Tool` type, where the node runs under an agent's rules. */
export const toolModeNotice: INodeProperties = {
	displayName: `As a tool: a call waits at most ${TOOL_DEFAULT_TIMEOUT_S} s unless you set Timeout, then answers state "timeout" with a taskId for Task → Wait; a run estimated over $${TOOL_DEFAULT_MAX_COST_USD} is refused unless you set Max Cost; nothing is downloaded; Resume on Callback is refused. Use $fromAI('taskId') in a Task → Wait tool.`,
	name: 'toolModeNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { '@tool': [true] } },
};

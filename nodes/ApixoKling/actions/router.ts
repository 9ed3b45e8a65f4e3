import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { accountOperations } from './account';
import { taskOperations } from './task';
import { videoOperations } from './video';
import { generateVideos } from './video/generateVideos';

type Execute = (ctx: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

const executes: Record<string, Record<string, Execute>> = {
	video: Object.fromEntries(
		Object.entries(videoOperations).map(([name, operation]) => [
			name,
			async (ctx: IExecuteFunctions) => await generateVideos(ctx, operation),
		]),
	),
	task: { get: taskOperations.get.execute, wait: taskOperations.wait.execute },
	account: { getBalance: accountOperations.getBalance.execute },
};

/** Reads resource and operation once and hands the whole batch to the operation. */
export async function route(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const execute = executes[resource]?.[operation];
	if (!execute) {
		throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return await execute(ctx);
}

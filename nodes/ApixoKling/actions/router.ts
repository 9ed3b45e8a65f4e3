import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { generateVideos } from './video/generateVideos';
import { videoOperations } from './video';

/** Reads resource and operation once and hands the whole batch to the operation. */
export async function route(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	if (resource === 'video' && videoOperations[operation]) {
		return await generateVideos(ctx, videoOperations[operation]);
	}
	throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
}

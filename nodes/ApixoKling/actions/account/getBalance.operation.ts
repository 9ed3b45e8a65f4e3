import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { adviceForHttpStatus } from '../../../shared/api/failures';
import { balanceResponseSchema } from '../../../shared/api/schemas';
import { ApixoClient } from '../../../shared/transport/client';

export const description: INodeProperties[] = [];

/** The account's current balance: free to read, and never creates a task. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const client = await ApixoClient.connect(ctx, { maxRequestsPerSecond: 0, requestTimeoutMs: 30_000 });
	const outcome = await client.send({ method: 'GET', path: '/apikeys/current-balance' });
	const parsed = outcome.kind === 'answered' ? balanceResponseSchema.safeParse(outcome.body) : undefined;
	if (outcome.kind === 'answered' && parsed?.success && parsed.data.code === 200) {
		const balance = parsed.data.data as IDataObject;
		return [ctx.getInputData().map((_, item) => ({ json: balance, pairedItem: { item } }))];
	}
	const status =
		outcome.kind === 'network' ? undefined : parsed?.success ? parsed.data.code : outcome.status;
	const advice = status ? adviceForHttpStatus(status) : undefined;
	throw new NodeApiError(ctx.getNode(), { status: status ?? null }, {
		message: advice ? `Could not read the balance: ${advice.meaning}` : 'Could not reach APIXO to read the balance',
		description: advice?.fix ?? 'Check the credential’s base URL and your network, then retry.',
		httpCode: status ? String(status) : undefined,
	});
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { adviceForHttpStatus } from '../../../shared/api/failures';
import { answerStatus, balanceResponseSchema, errorBodySchema } from '../../../shared/api/schemas';
import { ApixoClient } from '../../../shared/transport/client';

export const description: INodeProperties[] = [];

/** The key's current balance in USD: free to read, and never creates a task. */
export async function execute(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const client = await ApixoClient.connect(ctx, { maxRequestsPerSecond: 0, requestTimeoutMs: 30_000 });
	const outcome = await client.send({ method: 'GET', path: '/apikeys/current-balance' });
	const items = ctx.getInputData();
	const status = outcome.kind === 'answered' ? answerStatus(outcome.status, outcome.body) : undefined;
	const parsed = outcome.kind === 'answered' ? balanceResponseSchema.safeParse(outcome.body) : undefined;
	if (status === 200 && parsed?.success) {
		return [items.map((_, item) => ({ json: { balanceUsd: parsed.data.data }, pairedItem: { item } }))];
	}
	const error = balanceError(ctx, outcome.kind === 'answered' ? outcome.body : undefined, outcome.kind, status);
	if (!ctx.continueOnFail()) throw error;
	return [items.map((_, item) => ({ json: { error: error.message, description: error.description }, pairedItem: { item } }))];
}

function balanceError(
	ctx: IExecuteFunctions,
	body: unknown,
	kind: string,
	status: number | undefined,
): NodeApiError {
	const node = ctx.getNode();
	if (status === undefined) {
		return new NodeApiError(node, { kind }, {
			message: 'Could not reach APIXO to read the balance',
			description: 'Check the credential’s base URL and your network, then retry.',
		});
	}
	if (status === 200) {
		return new NodeApiError(node, { status }, {
			message: 'APIXO’s balance answer had no balance in it',
			description: `Expected {"code":200,"data":<USD>}; got ${JSON.stringify(body ?? null).slice(0, 200)}.`,
		});
	}
	const advice = adviceForHttpStatus(status);
	const said = errorBodySchema.safeParse(body);
	return new NodeApiError(node, { status }, {
		message: `Could not read the balance: ${advice.meaning}`,
		description: `${said.success ? `APIXO said: “${said.data.message}”. ` : ''}${advice.fix}`,
		httpCode: String(status),
	});
}

/**
 * A bench-only node that sends exactly the HTTP requests the Kling node sends for its items
 * (a submit, then one status read of the task it created), through the same n8n helper
 * (httpRequestWithAuthentication) and as many at once, and does nothing else. Its CPU time is
 * what n8n's engine and HTTP stack cost for that traffic: the Kling node's own work is the rest.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { mapWithConcurrency } from '../nodes/shared/concurrency';

export const HTTP_PROBE_TYPE = 'bench.httpProbe';
/** As many requests at once as the Kling node's client allows (MAX_REQUESTS_IN_FLIGHT). */
const IN_FLIGHT = 24;

export class HttpProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HTTP probe',
		name: 'httpProbe',
		group: ['transform'],
		version: 1,
		description: 'Sends a submit and a status read per item, nothing else',
		defaults: { name: 'HTTP probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'apixoApi', required: true }],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { baseUrl } = await this.getCredentials<{ baseUrl: string }>('apixoApi');
		const items = this.getInputData();
		const send = async (method: 'GET' | 'POST', path: string, options: object) =>
			(await this.helpers.httpRequestWithAuthentication.call(this, 'apixoApi', {
				method,
				url: `${baseUrl}${path}`,
				json: true,
				timeout: 10_000,
				ignoreHttpStatusErrors: true,
				returnFullResponse: true,
				...options,
			})) as { body: { data?: { taskId?: string } } };
		const taskIds = await mapWithConcurrency(items, IN_FLIGHT, async (item) => {
			const input = { mode: 'text-to-video', prompt: String(item.json.prompt), duration: 5, aspect_ratio: '16:9', sound: false };
			const submitted = await send('POST', '/generateTask/kling-3-0-std', { body: { request_type: 'async', input } });
			return submitted.body.data?.taskId ?? '';
		});
		await mapWithConcurrency(taskIds, IN_FLIGHT, async (taskId) => await send('GET', '/statusTask/kling-3-0-std', { qs: { taskId } }));
		return [taskIds.map((taskId) => ({ json: { taskId } }))];
	}
}

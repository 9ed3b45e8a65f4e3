/**
 * Proves the in-process harness against a throwaway probe node: real n8n-core execution,
 * Bearer auth from a credential class, pairedItem, streamed binary data, errors,
 * continue-on-fail, cancellation, and wait → resume.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';

import { readBinary, resumeWorkflow, runWorkflow, singleNodeWorkflow } from './harness';
import { HarnessNodeTypes } from './harness/node-types';
import { PACKAGE_ROOT, loadPackageTypes } from './harness/package-types';

const API_KEY = 'probe-secret-key';
const PAYLOAD = randomBytes(3 * 1024 * 1024 + 17); // several stream chunks, odd length

class ProbeApi implements ICredentialType {
	name = 'probeApi';
	displayName = 'Probe API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	];
	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};
}

class ProbeNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'Exercises the harness',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'probeApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', path: '', restartWebhook: true, responseMode: 'onReceived' },
		],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				default: 'request',
				options: ['request', 'download', 'fail', 'sleep', 'stubborn', 'wait', 'passThrough', 'labelled'].map(
					(value) => ({ name: value, value }),
				),
			},
			{
				displayName: 'Label',
				name: 'label',
				type: 'string',
				required: true,
				default: '',
				displayOptions: { show: { operation: ['labelled'] } },
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const { baseUrl } = await this.getCredentials<{ baseUrl: string }>('probeApi');
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const pairedItem = { item: i };
			try {
				if (operation === 'request') {
					const json = await this.helpers.httpRequestWithAuthentication.call(this, 'probeApi', {
						url: `${baseUrl}/echo`,
						json: true,
					});
					this.logger.info('probe request done', { item: i });
					out.push({ json: { ...json, item: items[i].json }, pairedItem });
				} else if (operation === 'download') {
					const stream = await this.helpers.httpRequestWithAuthentication.call(this, 'probeApi', {
						url: `${baseUrl}/bytes`,
						encoding: 'stream',
					});
					const data = await this.helpers.prepareBinaryData(stream, 'probe.bin', 'application/octet-stream');
					out.push({ json: {}, binary: { data }, pairedItem });
				} else if (operation === 'fail') {
					throw new NodeOperationError(this.getNode(), `Item ${i} is not acceptable`, { itemIndex: i });
				} else if (operation === 'sleep') {
					await sleep(60_000, this.getExecutionCancelSignal());
				} else if (operation === 'stubborn') {
					await sleep(1_000); // ignores cancellation
				} else if (operation === 'wait') {
					const resumeUrl = this.evaluateExpression('{{ $execution.resumeUrl }}', i) as string;
					out.push({ json: { resumeUrl }, pairedItem });
				} else {
					out.push({ json: items[i].json, pairedItem });
				}
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: (error as Error).message }, pairedItem });
			}
		}
		if (operation === 'wait') await this.putExecutionToWait(new Date(Date.now() + 3_600_000));
		return [out];
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const body = this.getBodyData() as { ok?: boolean; videoUrl?: string };
		if (!body.ok) {
			this.getResponseObject().status(400).json({ error: 'not a probe callback' });
			return { noWebhookResponse: true };
		}
		// IWebhookFunctions has no getInputData(); the waiting node's input items are reachable
		// through expressions, which resolve against the resumed node's stack entry.
		const inputItems = this.evaluateExpression('{{ $input.all() }}', 0) as INodeExecutionData[];
		const items = inputItems.map((item, index) => ({
			json: { ...item.json, videoUrl: body.videoUrl },
			pairedItem: { item: index },
		}));
		return { workflowData: [items] };
	}
}

let server: Server;
let baseUrl: string;

beforeAll(async () => {
	server = createServer((req, res) => {
		if (req.headers.authorization !== `Bearer ${API_KEY}`) {
			res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"bad key"}');
		} else if (req.url === '/bytes') {
			res.writeHead(200, { 'content-type': 'application/octet-stream' });
			for (let offset = 0; offset < PAYLOAD.length; offset += 64 * 1024) {
				res.write(PAYLOAD.subarray(offset, offset + 64 * 1024));
			}
			res.end();
		} else {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ authorization: req.headers.authorization, path: req.url }));
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => await new Promise((resolve) => server.close(resolve)));

const probe = (operation: string, extra: Record<string, unknown> = {}) => ({
	name: 'Probe',
	type: 'test.probe',
	parameters: { operation },
	...extra,
});

async function runProbe(
	operation: string,
	items: IDataObject[] = [{ n: 1 }, { n: 2 }],
	options: {
		apiKey?: string;
		nodeExtra?: Record<string, unknown>;
		abortAfterMs?: number;
		cancelGraceMs?: number;
	} = {},
) {
	return await runWorkflow({
		...singleNodeWorkflow(probe(operation, options.nodeExtra), items, 'probeApi'),
		credentials: { probeApi: { apiKey: options.apiKey ?? API_KEY, baseUrl } },
		extraNodeTypes: { 'test.probe': new ProbeNode() },
		extraCredentialTypes: [new ProbeApi()],
		abortAfterMs: options.abortAfterMs,
		cancelGraceMs: options.cancelGraceMs,
	});
}

describe('in-process harness', () => {
	it('runs a real workflow with Bearer auth from the credential class and pairs items', async () => {
		const result = await runProbe('request');

		expect(result.status).toBe('success');
		expect(result.executedNodes).toEqual(['Start', 'Probe']);
		const items = result.output('Probe');
		expect(items.map((item) => item.json)).toEqual([
			{ authorization: `Bearer ${API_KEY}`, path: '/echo', item: { n: 1 } },
			{ authorization: `Bearer ${API_KEY}`, path: '/echo', item: { n: 2 } },
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.logs).toContainEqual({ level: 'info', message: 'probe request done', metadata: { item: 1 } });
	});

	it('surfaces an HTTP 401 as a failed execution', async () => {
		const result = await runProbe('request', [{}], { apiKey: 'wrong' });

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/401|Authorization failed/);
	});

	it('streams binary data to disk and reads the exact bytes back', async () => {
		const result = await runProbe('download', [{}]);

		expect(result.status).toBe('success');
		const [item] = result.output('Probe');
		expect(item.binary?.data.id).toMatch(/^filesystem-v2:/); // on disk, not inline base64
		expect(item.binary?.data).toMatchObject({ fileName: 'probe.bin', bytes: PAYLOAD.length });
		expect((await readBinary(item)).equals(PAYLOAD)).toBe(true);
	});

	it('reports a NodeOperationError as status "error" with its message', async () => {
		const result = await runProbe('fail');

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Item 0 is not acceptable');
		expect(() => result.output('Probe')).toThrow('Node "Probe" failed: Item 0 is not acceptable');
	});

	it('honours continueOnFail (onError: continueRegularOutput)', async () => {
		const result = await runProbe('fail', undefined, { nodeExtra: { onError: 'continueRegularOutput' } });

		expect(result.status).toBe('success');
		expect(result.output('Probe').map((item) => item.json)).toEqual([
			{ error: 'Item 0 is not acceptable' },
			{ error: 'Item 1 is not acceptable' },
		]);
	});

	it('cancels a running node through getExecutionCancelSignal()', async () => {
		const startedAt = Date.now();
		const result = await runProbe('sleep', [{}], { abortAfterMs: 200 });

		expect(result.status).toBe('canceled');
		expect(Date.now() - startedAt).toBeLessThan(5_000); // the 60 s sleep was interrupted
	});

	it('fails the test when a cancelled node does not stop', async () => {
		const run = runProbe('stubborn', [{}], { abortAfterMs: 50, cancelGraceMs: 100 });

		await expect(run).rejects.toThrow('had not stopped 100 ms later');
	});

	it('records a missing required parameter as a failed execution, like n8n does', async () => {
		const result = await runProbe('labelled');

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/issue/i);
		expect(result.executedNodes).toEqual([]);
	});

	describe('waiting executions', () => {
		const after = {
			...singleNodeWorkflow(probe('passThrough'), [], 'probeApi').nodes[1],
			id: 'after',
			name: 'After',
		};
		const waitThenContinue = () =>
			runWorkflow({
				nodes: [...singleNodeWorkflow(probe('wait'), [{ n: 1 }, { n: 2 }], 'probeApi').nodes, after],
				connections: {
					Start: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] },
					Probe: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
				},
				credentials: { probeApi: { apiKey: API_KEY, baseUrl } },
				extraNodeTypes: { 'test.probe': new ProbeNode() },
				extraCredentialTypes: [new ProbeApi()],
			});

		it('ends as "waiting" with waitTill and the signed resume URL the node saw', async () => {
			const result = await waitThenContinue();

			expect(result.status).toBe('waiting');
			expect(result.waitTill?.getTime()).toBeGreaterThan(Date.now());
			const seenByNode = result.output('Probe')[0].json.resumeUrl;
			expect(seenByNode).toBe(result.resumeUrl);
			expect(result.resumeUrl).toMatch(/^http:\/\/localhost:5678\/webhook-waiting\/\d+\?signature=\w+$/);
		});

		it('resumes through webhook() and runs the rest of the workflow', async () => {
			const waiting = await waitThenContinue();
			const callback = { ok: true, videoUrl: 'https://v/1.mp4' };
			const resumed = await resumeWorkflow(waiting, callback, { url: waiting.resumeUrl });

			expect(resumed.webhookError).toBeUndefined();
			expect(resumed.resumed).toBe(true);
			expect(resumed.status).toBe('success');
			expect(resumed.executedNodes).toEqual(['Probe', 'After']);
			expect(resumed.output('After').map((item) => item.json)).toEqual([
				{ n: 1, videoUrl: 'https://v/1.mp4' },
				{ n: 2, videoUrl: 'https://v/1.mp4' },
			]);
			expect(waiting.status).toBe('waiting'); // the earlier result is left as it was
		});

		it('keeps waiting when webhook() rejects the request, and checks the signature', async () => {
			const waiting = await waitThenContinue();
			const rejected = await resumeWorkflow(waiting, { ok: false });

			expect(rejected).toMatchObject({ resumed: false, status: 'waiting' });
			expect(rejected.response).toMatchObject({ statusCode: 400, body: { error: 'not a probe callback' } });
			const forged = waiting.resumeUrl!.replace(/signature=\w+/, 'signature=forged');
			await expect(resumeWorkflow(waiting, { ok: true }, { url: forged })).rejects.toThrow('signature');
		});
	});
});

const builtNode = path.join(PACKAGE_ROOT, 'dist/nodes/ApixoKling/ApixoKling.node.js');
(existsSync(builtNode) ? it : it.skip)('finds the built apixoKling node under both type names', () => {
	const nodeTypes = new HarnessNodeTypes();
	const { packageName } = loadPackageTypes();
	expect(nodeTypes.getByName(`${packageName}.apixoKling`)).toBe(nodeTypes.getByName('CUSTOM.apixoKling'));
});

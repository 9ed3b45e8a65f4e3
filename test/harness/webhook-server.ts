/**
 * A loopback HTTP server standing in for n8n's webhook routes, so that real HTTP callers
 * (the fake APIXO server's callbacks) reach our nodes the way they reach them in n8n:
 * - `POST /webhook/<id>/<path>`: an activated trigger's production URL. The node's
 *   `webhook()` answers the caller; its `workflowData`, if any, starts an execution.
 * - `POST /webhook-waiting/<executionId>?signature=…`: a waiting execution's resume URL.
 *   n8n refuses calls while the execution runs (409) and after it has finished (409).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import type { RunResult } from './execution';
import { RecordedResponse } from './fake-http';
import type { ResumeResult } from './resume-workflow';
import { resumeWorkflow } from './resume-workflow';
import type { RunOptions } from './run-workflow';
import { prepareExecution, runWorkflow } from './run-workflow';
import { invokeWebhook, respondWith } from './webhook-call';

export interface TriggerActivation extends RunOptions {
	triggerNodeName: string;
}

export interface ActivatedTrigger {
	/** The production URL n8n would show for the trigger. */
	url: string;
	/** Every call's answer, in arrival order. */
	responses: Array<{ statusCode: number; body: unknown }>;
	/** Executions started by calls, once finished. */
	executions: RunResult[];
	/** Resolves when every execution started so far has finished. */
	settled(): Promise<void>;
}

interface Activation extends ActivatedTrigger {
	options: TriggerActivation;
	staticData: IDataObject;
	running: Array<Promise<void>>;
}

interface Waiting {
	latest: RunResult;
	state: 'waiting' | 'running' | 'finished';
	resolve(result: ResumeResult): void;
	resumed: Promise<ResumeResult>;
}

export class WebhookServer {
	private readonly triggers = new Map<string, Activation>();

	private readonly waiting = new Map<string, Waiting>();

	private constructor(
		private readonly server: http.Server,
		readonly baseUrl: string,
	) {}

	static async start(): Promise<WebhookServer> {
		const server = http.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		const webhookServer = new WebhookServer(server, `http://127.0.0.1:${port}/`);
		server.on('request', (req, res) => void webhookServer.route(req, res));
		return webhookServer;
	}

	/** Registers the trigger's production webhook, as activating the workflow does. */
	activate(options: TriggerActivation): ActivatedTrigger {
		const id = randomUUID();
		const activation: Activation = {
			url: `${this.baseUrl}webhook/${id}/${webhookPathOf(options)}`,
			responses: [],
			executions: [],
			options: { ...options, instanceBaseUrl: this.baseUrl },
			staticData: {},
			running: [],
			settled: async () => {
				while (activation.running.length) await Promise.all(activation.running.splice(0));
			},
		};
		this.triggers.set(id, activation);
		return activation;
	}

	/** Runs a workflow whose resume URL points here; a waiting result can then be called back. */
	async run(options: RunOptions): Promise<RunResult> {
		const result = await runWorkflow({ ...options, instanceBaseUrl: this.baseUrl });
		if (result.status === 'waiting') {
			let resolve!: (result: ResumeResult) => void;
			const resumed = new Promise<ResumeResult>((done) => (resolve = done));
			this.waiting.set(result.executionId, { latest: result, state: 'waiting', resolve, resumed });
		}
		return result;
	}

	/** Resolves with the run that a call to the execution's resume URL continued. */
	async resumed(result: RunResult): Promise<ResumeResult> {
		const entry = this.waiting.get(result.executionId);
		if (!entry) throw new Error(`Execution ${result.executionId} is not waiting here`);
		return await entry.resumed;
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise((resolve) => this.server.close(resolve));
	}

	private async route(req: http.IncomingMessage, res: http.ServerResponse) {
		const url = new URL(req.url ?? '/', this.baseUrl);
		const body = await readJson(req);
		const [, kind, id] = url.pathname.split('/');
		try {
			if (kind === 'webhook' && this.triggers.has(id)) {
				await this.deliverToTrigger(this.triggers.get(id)!, url, body, res);
			} else if (kind === 'webhook-waiting' && this.waiting.has(id)) {
				await this.resume(this.waiting.get(id)!, url, body, res);
			} else {
				send(res, 404, { message: 'The requested webhook is not registered.' });
			}
		} catch (error) {
			send(res, 500, { message: (error as Error).message });
		}
	}

	private async deliverToTrigger(
		activation: Activation,
		url: URL,
		body: unknown,
		res: http.ServerResponse,
	) {
		const { options } = activation;
		const setup = await prepareExecution({ ...options, staticData: activation.staticData });
		const response = new RecordedResponse();
		const invocation = await invokeWebhook(setup, options.triggerNodeName, response, {
			method: 'POST',
			body,
			headers: {},
			query: Object.fromEntries(url.searchParams),
			url: url.pathname + url.search,
			restart: false,
		});
		const answer = respondWith(response, invocation);
		activation.responses.push({ statusCode: answer.statusCode, body: answer.body });
		send(res, answer.statusCode, answer.body);
		const startData = invocation.result?.workflowData;
		if (!startData) return;
		const execution = runWorkflow({
			...options,
			startNodeName: options.triggerNodeName,
			startData,
			staticData: activation.staticData,
		}).then((result) => {
			activation.executions.push(result);
		});
		activation.running.push(execution);
	}

	private async resume(entry: Waiting, url: URL, body: unknown, res: http.ServerResponse) {
		if (entry.state !== 'waiting') {
			send(res, 409, { message: `The execution is ${entry.state === 'running' ? 'running' : 'finished'} already.` });
			return;
		}
		entry.state = 'running';
		const result = await resumeWorkflow(entry.latest, body, { url: url.toString() });
		send(res, result.response.statusCode, result.response.body);
		if (!result.resumed) {
			entry.state = 'waiting';
			return;
		}
		entry.state = result.status === 'waiting' ? 'waiting' : 'finished';
		entry.latest = result;
		entry.resolve(result);
	}
}

function webhookPathOf(options: TriggerActivation): string {
	const node = options.nodes.find((candidate) => candidate.name === options.triggerNodeName);
	if (!node) throw new Error(`No node "${options.triggerNodeName}" in the workflow`);
	return (node.parameters.path as string | undefined) ?? 'apixo';
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	try {
		return text ? (JSON.parse(text) as unknown) : {};
	} catch {
		return text;
	}
}

function send(res: http.ServerResponse, statusCode: number, body: unknown) {
	if (res.headersSent) return;
	res.writeHead(statusCode, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body ?? {}));
}

/**
 * A small client for the REST API that n8n's editor UI uses (`/rest/...`), on the 2.x line
 * (2.40.7) and the 1.x line (1.123.81), authenticated by the `n8n-auth` cookie of the
 * instance owner. Where the two lines differ, the method says how.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	waitTill: string | null;
	[key: string]: unknown;
}

/** Run data as n8n keeps it (IRunExecutionData), already un-flatted. */
export interface ExecutionData {
	resultData: {
		runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: unknown; binary?: unknown }> | null> }; error?: unknown; executionStatus?: string }>>;
		lastNodeExecuted?: string;
		error?: { message?: string; [key: string]: unknown };
	};
	waitTill?: string;
	resumeToken?: string;
	[key: string]: unknown;
}

export interface ExecutionDetails extends ExecutionSummary {
	data: ExecutionData;
	workflowData: { id: string; name: string; nodes: unknown[]; [key: string]: unknown };
}

export interface WorkflowRecord {
	id: string;
	name: string;
	versionId: string;
	activeVersionId?: string | null;
	active: boolean;
	[key: string]: unknown;
}

export interface PublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	liveVersionId: string | null;
	pendingVersionId: string | null;
	triggers: Array<{ nodeId: string; status: string; errorMessage?: string | null }>;
}

export class N8nRestError extends Error {
	constructor(
		readonly method: string,
		readonly url: string,
		readonly status: number,
		readonly body: string,
	) {
		super(`${method} ${url} -> HTTP ${status}: ${body.slice(0, 500)}`);
	}
}

/** How long n8n may report its database as not ready before a call counts as failed. */
const DATABASE_RECOVERY_MS = 120_000;

export class N8nRestClient {
	private cookie = '';
	private readonly browserId = `e2e-${process.pid}-${Date.now()}`;
	private readonly parseFlatted: (text: string) => unknown;
	/** n8n's major version (1 or 2), read from the installed package. */
	readonly n8nMajor: number;

	constructor(
		readonly baseUrl: string,
		n8nDir: string,
	) {
		// n8n stores execution data with `flatted`; use n8n's own copy to read it.
		const requireFromN8n = createRequire(path.join(n8nDir, 'node_modules', 'n8n', 'package.json'));
		this.parseFlatted = (requireFromN8n('flatted') as { parse: (text: string) => unknown }).parse;
		this.n8nMajor = Number((requireFromN8n('./package.json') as { version: string }).version.split('.')[0]);
	}

	/**
	 * Calls `/rest<path>` and returns the `data` field of n8n's `{ data }` envelope. n8n answers
	 * 503 "Database is not ready!" for a while after its SQLite health ping times out under load
	 * (a burst of waiting-webhook calls): asked again, as any client would, until it recovers.
	 */
	async request<T>(method: string, restPath: string, body?: unknown): Promise<T> {
		const deadline = Date.now() + DATABASE_RECOVERY_MS;
		for (;;) {
			try {
				const json = (await this.raw(method, `/rest${restPath}`, body)) as { data?: T } | T;
				return json !== null && typeof json === 'object' && 'data' in json ? (json.data as T) : (json as T);
			} catch (error) {
				const notReady = error instanceof N8nRestError && error.status === 503 && /Database is not ready/.test(error.message);
				if (!notReady || Date.now() > deadline) throw error;
				await new Promise((resolve) => setTimeout(resolve, 1000));
			}
		}
	}

	/** Calls any path on the instance with the auth cookie; returns the parsed JSON (or text). */
	async raw(method: string, urlPath: string, body?: unknown): Promise<unknown> {
		const url = `${this.baseUrl}${urlPath}`;
		const res = await fetch(url, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (setCookie) this.cookie = setCookie.split(';')[0];
		const text = await res.text();
		if (!res.ok) throw new N8nRestError(method, url, res.status, text);
		try {
			return text ? (JSON.parse(text) as unknown) : undefined;
		} catch {
			return text;
		}
	}

	get authCookie(): string {
		return this.cookie;
	}

	async setupOwner(owner: { email: string; password: string; firstName: string; lastName: string }): Promise<void> {
		await this.request('POST', '/owner/setup', owner);
		await this.login(owner.email, owner.password);
	}

	async login(email: string, password: string): Promise<void> {
		this.cookie = '';
		await this.request('POST', '/login', { emailOrLdapLoginId: email, password });
		if (!this.cookie) throw new Error('login did not return an n8n-auth cookie');
	}

	async createCredential(type: string, data: Record<string, unknown>, name = `${type} (e2e)`): Promise<{ id: string; name: string; type: string }> {
		return await this.request('POST', '/credentials', { name, type, data });
	}

	/**
	 * Saves a workflow (n8n's export/import JSON: name, nodes, connections, settings?, pinData?).
	 * 1.x copies the body onto the row and its `active` column has no default: send `false`.
	 */
	async importWorkflow(workflow: { name: string; nodes: unknown[]; connections: object; [key: string]: unknown }): Promise<WorkflowRecord> {
		const { name, nodes, connections, settings, pinData, meta } = workflow;
		const inactive = this.n8nMajor < 2 ? { active: false } : {};
		return await this.request('POST', '/workflows', { name, nodes, connections, settings: settings ?? {}, pinData, meta, ...inactive });
	}

	async getWorkflow(id: string): Promise<WorkflowRecord> {
		return await this.request('GET', `/workflows/${id}`);
	}

	/**
	 * Publishes ("activates") the workflow's current version and waits until its
	 * triggers are live. In 2.40.7 activation needs the versionId, and with the default
	 * N8N_USE_WORKFLOW_PUBLICATION_SERVICE=true the triggers/webhooks are registered
	 * asynchronously by an outbox worker: poll GET /workflows/:id/publication-status.
	 * 1.123.81 takes the same call and registers them before it answers (no such route).
	 */
	async activateWorkflow(id: string, timeoutMs = 30_000): Promise<WorkflowRecord> {
		const { versionId } = await this.getWorkflow(id);
		const workflow = await this.request<WorkflowRecord>('POST', `/workflows/${id}/activate`, { versionId });
		await this.waitForPublication(id, (s) => s.status === 'published' && s.liveVersionId === versionId, timeoutMs);
		return workflow;
	}

	/** Unpublishes the workflow and waits until its webhooks are gone (also asynchronous). */
	async deactivateWorkflow(id: string, timeoutMs = 30_000): Promise<WorkflowRecord> {
		const workflow = await this.request<WorkflowRecord>('POST', `/workflows/${id}/deactivate`, {});
		await this.waitForPublication(id, (s) => s.status === 'not_published', timeoutMs);
		return workflow;
	}

	private async waitForPublication(id: string, done: (status: PublicationStatus) => boolean, timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			let status: PublicationStatus;
			try {
				status = await this.request<PublicationStatus>('GET', `/workflows/${id}/publication-status`);
			} catch (error) {
				if (error instanceof N8nRestError && error.status === 404) return; // publication service off: synchronous
				throw error;
			}
			if (done(status)) return;
			if (status.status === 'failed' || status.status === 'partial') {
				throw new Error(`publication of workflow ${id} failed: ${JSON.stringify(status.triggers)}`);
			}
			if (Date.now() > deadline) throw new Error(`workflow ${id} publication not settled after ${timeoutMs} ms: ${JSON.stringify(status)}`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}

	/**
	 * Runs a saved workflow as the editor's "Execute workflow" button does, starting
	 * from the named trigger (a Manual Trigger; webhook triggers would wait for a call).
	 * 1.x runs the workflow the body carries, so it sends the saved one.
	 */
	async runWorkflowManually(id: string, triggerName: string): Promise<{ executionId?: string; waitingForWebhook?: boolean }> {
		const workflowData = this.n8nMajor < 2 ? { workflowData: await this.getWorkflow(id) } : {};
		return await this.request('POST', `/workflows/${id}/run`, { triggerToStartFrom: { name: triggerName }, ...workflowData });
	}

	async listExecutions(filter: { workflowId?: string; status?: string[] } = {}, limit = 100): Promise<ExecutionSummary[]> {
		const query = new URLSearchParams({ filter: JSON.stringify(filter), limit: String(limit) });
		const page = await this.request<{ results: ExecutionSummary[] }>('GET', `/executions?${query.toString()}`);
		return page.results;
	}

	async getExecution(id: string): Promise<ExecutionDetails> {
		type Flatted = ExecutionSummary & { data: string; workflowData: ExecutionDetails['workflowData'] };
		const execution = await this.request<Flatted>('GET', `/executions/${id}`);
		return { ...execution, data: this.parseFlatted(execution.data) as ExecutionData };
	}

	/** Polls until the execution's status is one of `statuses` (default: any final or waiting one). */
	async waitForExecution(
		id: string,
		statuses: string[] = ['success', 'error', 'crashed', 'canceled', 'waiting'],
		timeoutMs = 60_000,
	): Promise<ExecutionDetails> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const execution = await this.getExecution(id);
			// 1.x can mark an execution finished a moment before its run data is saved.
			if (statuses.includes(execution.status) && execution.data?.resultData) return execution;
			if (Date.now() > deadline) {
				throw new Error(`execution ${id} still '${execution.status}' after ${timeoutMs} ms (wanted ${statuses.join('|')})`);
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	/** All node type descriptions, as the editor loads them (GET /types/nodes.json). */
	async getNodeTypes(): Promise<Array<{ name: string; displayName: string; version: number | number[]; [key: string]: unknown }>> {
		return (await this.raw('GET', '/types/nodes.json')) as Array<{ name: string; displayName: string; version: number | number[] }>;
	}

	/** Calls a webhook URL (production `/webhook/<path>`, test `/webhook-test/<path>`, or a full URL). */
	async callWebhook(pathOrUrl: string, options: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: unknown }> {
		const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${this.baseUrl}/webhook/${pathOrUrl.replace(/^\//, '')}`;
		const res = await fetch(url, {
			method: options.method ?? 'POST',
			headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
			body: options.body === undefined ? undefined : JSON.stringify(options.body),
		});
		const text = await res.text();
		let body: unknown = text;
		try {
			body = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON: keep the text
		}
		return { status: res.status, body };
	}
}

/** The JSON items a node produced on its first output in its last run. */
export function nodeOutput(execution: ExecutionDetails, nodeName: string, outputIndex = 0): unknown[] {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`node '${nodeName}' did not run in execution ${execution.id}`);
	const items = runs[runs.length - 1].data?.main?.[outputIndex] ?? [];
	return items.map((item) => item.json);
}

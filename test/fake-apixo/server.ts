import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallbackDispatcher } from './callbacks';
import { FaultPlan, RateLimiter } from './faults';
import { fetchTaskMedia } from './fetchMedia';
import { ResultFiles } from './resultFiles';
import { bill, canonicalJson, checkSubmit, MOTION_MAX_SECONDS, roundUsd } from './rules';
import { API_PREFIX, HTTP_FAULT_MESSAGES, jsonReply, parseJson, readBody, route, type Reply, type Route } from './routes';
import { createTask, finishNow, isFinal, taskData, taskState } from './tasks';
import type { FakeApixo, FakeApixoOptions, FakeApixoStats, FakeTask, Fault, FaultAction } from './types';

function bearerToken(req: http.IncomingMessage): string | undefined {
	return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

class FakeApixoServer implements FakeApixo {
	baseUrl = '';
	readonly stats: FakeApixoStats = {
		submits: 0,
		acceptedSubmits: 0,
		statusReads: 0,
		balanceReads: 0,
		downloads: 0,
		peakConcurrentDownloads: 0,
		requests: 0,
		rateLimited: 0,
		peakConcurrentApiRequests: 0,
		requestLog: [],
		submitsByTask: new Map(),
		statusReadsByTask: new Map(),
		lastSubmitBodies: [],
		callbacks: [],
	};
	readonly tasks = new Map<string, FakeTask>();
	private balance: number;
	private origin = '';
	private readonly apiKey: string;
	private readonly faults: FaultPlan;
	private readonly limiter?: RateLimiter;
	private readonly callbacks: CallbackDispatcher;
	private readonly files: ResultFiles;
	private readonly delayed = new Set<NodeJS.Timeout>();
	private apiRequestsOpen = 0;
	private readonly server = http.createServer((req, res) => {
		// A throwing test hook (outcome, taskDurationMs, ...) must fail the request, not the process.
		this.handle(req, res).catch((error: unknown) => {
			if (res.headersSent) return void res.destroy();
			this.send(req, res, jsonReply(500, `fake server error: ${error instanceof Error ? error.message : String(error)}`));
		});
	});

	constructor(private readonly options: FakeApixoOptions) {
		this.apiKey = options.apiKey ?? 'test-key';
		this.balance = options.balance ?? 100;
		this.faults = new FaultPlan(options.faultEvery);
		if (options.rateLimitPerSecond !== undefined) this.limiter = new RateLimiter(options.rateLimitPerSecond);
		this.files = new ResultFiles(options, this.stats);
		this.callbacks = new CallbackDispatcher({
			retryDelayMs: options.callbackRetryDelayMs ?? 200,
			timeoutMs: options.callbackTimeoutMs ?? 5000,
			twice: options.deliverCallbacksTwice ?? false,
			records: this.stats.callbacks,
		});
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(0, '127.0.0.1', () => resolve());
		});
		const { port } = this.server.address() as AddressInfo;
		this.origin = `http://127.0.0.1:${port}`;
		this.baseUrl = `${this.origin}${API_PREFIX}`;
	}

	inject(fault: Fault): void {
		this.faults.inject(fault);
	}

	clearFaults(): void {
		this.faults.clear();
	}

	setBalance(usd: number): void {
		this.balance = usd;
	}

	getBalance(): number {
		return this.balance;
	}

	/** Time passing, as every task's times moving back: states, completeTime and expiry agree. */
	advanceClock(ms: number): void {
		for (const task of this.tasks.values()) {
			task.createTime -= ms;
			task.pendingUntil -= ms;
			task.readyAt -= ms;
		}
	}

	completeNow(taskId: string): void {
		const task = this.mustGetTask(taskId);
		const wasFinal = isFinal(taskState(task, Date.now()));
		finishNow(task, Date.now());
		if (task.callback_url && !wasFinal) this.callbacks.schedule(task);
	}

	deliverCallbackNow(taskId: string, url?: string): Promise<void> {
		const task = this.mustGetTask(taskId);
		const target = url ?? task.callback_url;
		if (!target) throw new Error(`task ${taskId} has no callback_url; pass a url`);
		finishNow(task, Date.now());
		return this.callbacks.deliver(task, target);
	}

	callbacksSettled(): Promise<void> {
		return this.callbacks.settled();
	}

	async close(): Promise<void> {
		this.callbacks.close();
		for (const timer of this.delayed) clearTimeout(timer);
		this.delayed.clear();
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections();
		await closed;
	}

	private mustGetTask(taskId: string): FakeTask {
		const task = this.tasks.get(taskId);
		if (!task) throw new Error(`unknown task ${taskId}`);
		return task;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		this.stats.requests++;
		const r = route(req.method ?? 'GET', new URL(req.url ?? '/', this.origin));
		if (r.kind === 'none') {
			await readBody(req);
			return this.send(req, res, jsonReply(r.status, r.message));
		}
		const taskId = r.kind === 'status' || r.kind === 'download' ? r.taskId : undefined;
		this.count(r, req.method === 'HEAD');
		if (r.kind === 'download' && req.method === 'GET') this.files.track(res);
		// Result files live on a public CDN in the real API: no key, no rate limit.
		const isApi = r.kind !== 'download';
		if (isApi) this.trackApiRequest(r, taskId, res);
		const limited = isApi && this.limiter !== undefined && !this.limiter.admit(Date.now());
		const unauthorized = isApi && !limited && bearerToken(req) !== this.apiKey;
		const fault = limited || unauthorized ? undefined : this.faults.take(r.kind, taskId);
		if (fault?.kind === 'refuse') {
			req.socket.destroy();
			return;
		}
		const body = await readBody(req);
		if (body === undefined) return;
		if (r.kind === 'submit') this.recordSubmit(body);
		if (limited) {
			this.stats.rateLimited++;
			return this.send(req, res, { ...jsonReply(429, 'rate limit exceeded'), headers: { 'retry-after': '1' } });
		}
		if (unauthorized) return this.send(req, res, jsonReply(401, 'invalid or missing API key'));
		this.respond(req, res, fault, () => this.process(r, req, body));
	}

	private trackApiRequest(r: Route, taskId: string | undefined, res: http.ServerResponse): void {
		this.stats.peakConcurrentApiRequests = Math.max(this.stats.peakConcurrentApiRequests, ++this.apiRequestsOpen);
		const entry = r.kind === 'submit' || r.kind === 'status' ? { kind: r.kind, at: Date.now(), taskId, status: 0 } : undefined;
		if (entry) this.stats.requestLog.push(entry);
		res.once('close', () => {
			this.apiRequestsOpen--;
			if (entry) entry.status = res.headersSent ? res.statusCode : 0;
		});
	}

	private count(r: Route, head: boolean): void {
		if (r.kind === 'submit') this.stats.submits++;
		else if (r.kind === 'balance') this.stats.balanceReads++;
		else if (r.kind === 'download' && !head) this.stats.downloads++;
		else if (r.kind === 'status') {
			this.stats.statusReads++;
			const key = r.taskId ?? '';
			this.stats.statusReadsByTask.set(key, (this.stats.statusReadsByTask.get(key) ?? 0) + 1);
		}
	}

	private recordSubmit(body: string): void {
		const parsed = parseJson(body);
		this.stats.lastSubmitBodies.push(parsed.ok ? parsed.value : body);
		const input = parsed.ok ? (parsed.value as { input?: unknown } | null)?.input : undefined;
		if (input === undefined) return;
		const key = canonicalJson(input);
		this.stats.submitsByTask.set(key, (this.stats.submitsByTask.get(key) ?? 0) + 1);
	}

	private respond(req: http.IncomingMessage, res: http.ServerResponse, fault: FaultAction | undefined, process: () => Reply): void {
		if (!fault) return this.send(req, res, process());
		switch (fault.kind) {
			case 'http': {
				if (fault.acceptAnyway) process();
				const headers = fault.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(fault.retryAfterSeconds) };
				return this.send(req, res, { ...jsonReply(fault.status, HTTP_FAULT_MESSAGES[fault.status]), headers });
			}
			case 'errorBody': {
				const json: Record<string, unknown> = { code: fault.code };
				if (fault.message !== undefined) json.message = fault.message;
				if ('data' in fault) json.data = fault.data;
				return this.send(req, res, { status: 200, json });
			}
			case 'reset':
				if (fault.acceptAnyway) process();
				req.socket.destroy();
				return;
			case 'malformedJson': {
				const reply = process();
				const text = JSON.stringify('json' in reply ? reply.json : { code: 200, message: 'success' });
				const truncated = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
				res.writeHead('json' in reply ? reply.status : 200, {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(truncated),
				});
				res.end(truncated);
				return;
			}
			case 'delay': {
				const reply = process();
				const timer = setTimeout(() => {
					this.delayed.delete(timer);
					if (!res.destroyed) this.send(req, res, reply);
				}, fault.ms);
				this.delayed.add(timer);
				return;
			}
			case 'refuse':
				req.socket.destroy();
		}
	}

	private process(r: Route, req: http.IncomingMessage, body: string): Reply {
		const ok = (data: unknown): Reply => ({ status: 200, json: { code: 200, message: 'success', data } });
		switch (r.kind) {
			case 'submit':
				return this.submit(req, body);
			case 'balance':
				return ok(this.options.balanceAnswer === 'object' ? { balance: this.balance } : this.balance);
			case 'status': {
				if (!r.taskId) return jsonReply(400, 'taskId is required');
				const task = this.tasks.get(r.taskId);
				return task ? ok(taskData(task, Date.now(), this.options.resultJsonAs)) : jsonReply(404, 'task not found');
			}
			case 'download':
				return this.files.answer(this.tasks.get(r.taskId), r.file);
			default:
				return jsonReply(404, 'not found');
		}
	}

	private submit(req: http.IncomingMessage, body: string): Reply {
		if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
			return jsonReply(400, 'Content-Type must be application/json');
		}
		const parsed = parseJson(body);
		if (!parsed.ok) return jsonReply(400, 'body is not valid JSON');
		const check = checkSubmit(parsed.value);
		if (!check.ok) return jsonReply(400, check.message);
		const request = check.value;
		const { input } = request;
		let motionSeconds = 0;
		if (input.mode === 'motion-control') {
			const probe = this.options.motionVideoSeconds ?? 5;
			motionSeconds = typeof probe === 'function' ? probe(input.video_urls[0]) : probe;
			if (motionSeconds > MOTION_MAX_SECONDS) {
				return jsonReply(400, `input.video_urls[0] is ${motionSeconds} s long; at most ${MOTION_MAX_SECONDS} s allowed`);
			}
		}
		const cost = bill(input, motionSeconds);
		if (cost.usd > this.balance) {
			return jsonReply(402, `insufficient balance: task costs $${cost.usd}, balance is $${this.balance}`);
		}
		this.balance = roundUsd(this.balance - cost.usd);
		const index = this.stats.acceptedSubmits++;
		const duration = this.options.taskDurationMs ?? 1500;
		const task = createTask({
			request,
			index,
			now: Date.now(),
			durationMs: typeof duration === 'function' ? duration(input, index) : duration,
			outcome: this.options.outcome?.(input, index),
			bill: cost,
			fileUrl: (id, n) => `${this.origin}${API_PREFIX}/files/${encodeURIComponent(id)}/${n}.mp4`,
			resultUrlsPerTask: this.options.resultUrlsPerTask ?? 1,
		});
		this.tasks.set(task.taskId, task);
		const { fetchMedia } = this.options;
		if (input.mode !== 'text-to-video' && (typeof fetchMedia === 'function' ? fetchMedia(input) : fetchMedia)) this.fetchMedia(task);
		else if (task.request_type === 'callback') this.callbacks.schedule(task);
		return { status: 200, json: { code: 200, message: 'success', data: { taskId: task.taskId } } };
	}

	/** The task waits (pending) while its media is fetched; a bad URL fails it, as in APIXO. */
	private fetchMedia(task: FakeTask): void {
		task.fetchingMedia = true;
		task.fetchedMedia = [];
		void fetchTaskMedia(task.input, this.options.fetchMediaTimeoutMs ?? 2000, task.fetchedMedia).then((failure) => {
			task.fetchingMedia = false;
			if (failure) task.outcome = failure;
			task.readyAt = Math.max(task.readyAt, Date.now());
			if (task.request_type === 'callback') this.callbacks.schedule(task);
		});
	}

	private send(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply): void {
		if ('file' in reply) return this.files.send(req, res);
		const text = JSON.stringify(reply.json);
		res.writeHead(reply.status, {
			...reply.headers,
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(text),
		});
		res.end(req.method === 'HEAD' ? undefined : text);
	}
}

export async function startFakeApixo(options: FakeApixoOptions = {}): Promise<FakeApixo> {
	const server = new FakeApixoServer(options);
	await server.listen();
	return server;
}

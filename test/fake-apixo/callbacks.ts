import http from 'node:http';
import https from 'node:https';
import { neverFinishes, taskData } from './tasks';
import type { CallbackRecord, FakeTask } from './types';

/**
 * APIXO's documented schedule after a delivery that did not get HTTP 200 in time: again after
 * 30 s, 2 min and 10 min, then never. Scaled: `retryDelayMs` stands for the first 30 s.
 */
const RETRY_DELAYS_IN_FIRST_DELAYS = [1, 4, 20];

export interface CallbackSettings {
	retryDelayMs: number;
	timeoutMs: number;
	twice: boolean;
	records: CallbackRecord[];
}

/** Delivers final task payloads to callback URLs: one timer per callback task, retries with backoff. */
export class CallbackDispatcher {
	private readonly timers = new Map<string, NodeJS.Timeout>();
	private readonly inflight = new Set<Promise<void>>();
	private readonly requests = new Set<http.ClientRequest>();
	private readonly sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
	private closed = false;

	constructor(private readonly settings: CallbackSettings) {}

	schedule(task: FakeTask): void {
		if (!task.callback_url || neverFinishes(task)) return;
		this.cancel(task.taskId);
		const timer = setTimeout(() => {
			this.timers.delete(task.taskId);
			void this.deliver(task, task.callback_url as string);
		}, Math.max(0, task.readyAt - Date.now()));
		this.timers.set(task.taskId, timer);
	}

	cancel(taskId: string): void {
		clearTimeout(this.timers.get(taskId));
		this.timers.delete(taskId);
	}

	deliver(task: FakeTask, url: string): Promise<void> {
		this.cancel(task.taskId);
		const delivery = this.run(task, url).finally(() => this.inflight.delete(delivery));
		this.inflight.add(delivery);
		return delivery;
	}

	async settled(): Promise<void> {
		while (this.inflight.size > 0 || this.timers.size > 0) {
			if (this.inflight.size > 0) await Promise.all([...this.inflight]);
			else await this.sleep(5);
			if (this.closed) return;
		}
	}

	close(): void {
		this.closed = true;
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
		for (const request of this.requests) request.destroy();
		for (const sleeper of this.sleepers) {
			clearTimeout(sleeper.timer);
			sleeper.wake();
		}
	}

	private async run(task: FakeTask, url: string): Promise<void> {
		// A timer may fire a hair before readyAt by Date.now(); the payload is always the final one.
		const body = JSON.stringify({
			code: 200,
			message: 'success',
			data: taskData(task, Math.max(Date.now(), task.readyAt)),
		});
		for (let attempt = 1; attempt <= 1 + RETRY_DELAYS_IN_FIRST_DELAYS.length && !this.closed; attempt++) {
			const status = await this.post(url, body);
			if (this.closed) return;
			this.settings.records.push({ taskId: task.taskId, url, status, attempt, redelivery: false });
			if (status === 200) {
				if (this.settings.twice) {
					const again = await this.post(url, body);
					if (this.closed) return;
					this.settings.records.push({ taskId: task.taskId, url, status: again, attempt: 1, redelivery: true });
				}
				return;
			}
			const delay = RETRY_DELAYS_IN_FIRST_DELAYS[attempt - 1];
			if (delay !== undefined) await this.sleep(this.settings.retryDelayMs * delay);
		}
	}

	/** POST and resolve the HTTP status, or 0 on a network error or timeout. */
	private post(url: string, body: string): Promise<number> {
		return new Promise((resolve) => {
			const client = url.startsWith('https:') ? https : http;
			const request = client.request(url, {
				method: 'POST',
				agent: false,
				timeout: this.settings.timeoutMs,
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
			});
			this.requests.add(request);
			const done = (status: number): void => {
				this.requests.delete(request);
				resolve(status);
			};
			request.on('response', (response) => {
				response.resume();
				done(response.statusCode ?? 0);
			});
			request.on('timeout', () => request.destroy());
			request.on('error', () => done(0));
			request.on('close', () => done(0)); // no-op when already resolved
			request.end(body);
		});
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((wake) => {
			const sleeper = {
				timer: setTimeout(() => {
					this.sleepers.delete(sleeper);
					wake();
				}, ms),
				wake,
			};
			this.sleepers.add(sleeper);
		});
	}
}

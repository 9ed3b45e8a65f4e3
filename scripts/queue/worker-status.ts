/**
 * Asks n8n's workers what they are running, straight over Redis pub/sub — the same
 * message main sends for the (licensed) "Workers" view, which needs no license this way.
 *
 *   const statuses = await requestWorkerStatus(redis, { expectWorkers: 2 });
 *   statuses.map((s) => s.runningJobsSummary.length)
 *
 * Protocol (n8n 2.40.x, n8n/dist/scaling/): publish on `<N8N_REDIS_KEY_PREFIX>:n8n.commands`
 * a JSON `{ command: 'get-worker-status', senderId, selfSend: false, debounce: false,
 * payload: { requestingUserId } }` (pubsub/publisher.service.js); each worker answers on
 * `<prefix>:n8n.worker-response` with `{ senderId: <hostId>, response:
 * 'response-to-get-worker-status', payload: { runningJobsSummary: [...], ... } }`
 * (worker-status.service.ee.js; running jobs from job-processor.js getRunningJobsSummary()).
 *
 * Caveat: a worker's senderId is `worker-<hostname>` when n8n thinks it runs in a container
 * (/.dockerenv exists, as on this machine), else `worker-<random>`: in a container all
 * workers on one host answer with the same senderId, so tell them apart by count, not id.
 */
import { connectRedis } from './redis-client';

export interface RunningJobSummary {
	executionId: string;
	workflowId: string;
	workflowName?: string;
	mode: string;
	startedAt: string;
	retryOf?: string;
	status: string;
}

export interface WorkerStatus {
	senderId: string;
	runningJobsSummary: RunningJobSummary[];
	version?: string;
	queueName?: string;
	process?: { uptime?: number; memory?: Record<string, number> };
	hostname?: string;
	[key: string]: unknown;
}

export interface WorkerStatusOptions {
	/** N8N_REDIS_KEY_PREFIX (default 'n8n'). */
	prefix?: string;
	/** Return as soon as this many workers answered. */
	expectWorkers?: number;
	/** How long to collect answers (default 3000 ms; workers debounce nothing for this command). */
	timeoutMs?: number;
}

export async function requestWorkerStatus(redis: { host: string; port: number }, options: WorkerStatusOptions = {}): Promise<WorkerStatus[]> {
	const prefix = options.prefix ?? 'n8n';
	const requestingUserId = `queue-probe-${process.pid}-${Date.now()}`;
	const statuses: WorkerStatus[] = [];
	let done: () => void = () => undefined;
	const enough = new Promise<void>((resolve) => (done = resolve));
	const subscriber = await connectRedis(redis);
	subscriber.on('message', (_channel: string, text: string) => {
		let msg: { response?: string; payload?: WorkerStatus & { requestingUserId?: string } };
		try {
			msg = JSON.parse(text) as typeof msg;
		} catch {
			return;
		}
		if (msg.response !== 'response-to-get-worker-status' || msg.payload?.requestingUserId !== requestingUserId) return;
		statuses.push(msg.payload);
		if (options.expectWorkers !== undefined && statuses.length >= options.expectWorkers) done();
	});
	const publisher = await connectRedis(redis);
	let timer: NodeJS.Timeout | undefined;
	try {
		await subscriber.subscribe(`${prefix}:n8n.worker-response`);
		await publisher.publish(
			`${prefix}:n8n.commands`,
			JSON.stringify({
				command: 'get-worker-status',
				senderId: `queue-probe-${process.pid}`,
				selfSend: false,
				debounce: false,
				payload: { requestingUserId },
			}),
		);
		await Promise.race([enough, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeoutMs ?? 3000)))]);
		return statuses;
	} finally {
		if (timer) clearTimeout(timer);
		subscriber.disconnect();
		publisher.disconnect();
	}
}

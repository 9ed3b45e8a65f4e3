/**
 * A whole n8n queue-mode deployment on loopback: PostgreSQL and Redis (services/), then
 * `n8n start` (main), one `n8n webhook` and two `n8n worker` processes, each with its own
 * user folder holding our package as n8n's installer lays it out, its own ports, binary data
 * in the database, and N8N_WEBHOOK_URL pointing at the webhook process (production webhooks
 * and the resume URLs that workers hand out).
 *
 *   const cluster = await startCluster(tgz);
 *   try { ... cluster.rest ... cluster.workers[0].kill('SIGKILL') ... } finally { await cluster.stop(); }
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installPackageTarball } from '../kit/community-package';
import { childEnv, ensureN8nInstalled, type N8nInstall } from '../kit/n8n-install';
import { n8nEnv, OWNER } from '../e2e/n8n-instance';
import { N8nRestClient } from '../e2e/n8n-rest';
import { N8nProcess, stopAllN8n } from './n8n-process';
import { QUEUE_LOG_PATTERNS, queueModeEnv, queueProcessEnv, type QueueProcessRole } from './queue-env';
import { freePort } from '../kit/processes';
import { type PostgresService, type RedisService, startPostgres, startRedis, stopAll as stopServices } from './services';

export const WORKER_CONCURRENCY = 10;

export interface Cluster {
	install: N8nInstall;
	pg: PostgresService;
	redis: RedisService;
	main: N8nProcess;
	webhook: N8nProcess;
	workers: N8nProcess[];
	/** REST client of the main process, logged in as the owner. */
	rest: N8nRestClient;
	/** http://127.0.0.1:<port>/ (trailing slash, like N8N_WEBHOOK_URL) */
	mainUrl: string;
	webhookUrl: string;
	runDir: string;
	/** Folder every process may write files to (N8N_RESTRICT_FILE_ACCESS_TO), e.g. the videos a workflow saves. */
	filesDir: string;
	/** ms per start step */
	timings: Record<string, number>;
	all(): N8nProcess[];
	/**
	 * Stops the process (SIGTERM, as a deploy does) unless it is already down, then starts it again:
	 * main and webhook on their own port, a worker with fresh ports. Main's REST client logs in again.
	 */
	restart(proc: N8nProcess): Promise<void>;
	/** Stops every n8n process (workers, webhook, main), then starts them all again with `env` added to their settings. */
	restartAll(env: Record<string, string>): Promise<void>;
	/** Stops n8n (workers, webhook, main), then the services; removes the run folder unless kept. */
	stop(keepFiles?: boolean): Promise<void>;
}

const usedPorts = new Set<number>();
async function port(): Promise<number> {
	for (;;) {
		const p = await freePort();
		if (!usedPorts.has(p)) {
			usedPorts.add(p);
			return p;
		}
	}
}

export async function startCluster(tgz: string, log: (line: string) => void): Promise<Cluster> {
	const timings: Record<string, number> = {};
	const timed = async <T>(step: string, fn: () => Promise<T> | T): Promise<T> => {
		const t0 = Date.now();
		try {
			return await fn();
		} finally {
			timings[step] = Date.now() - t0;
		}
	};
	const install = await timed('n8n install check', () => ensureN8nInstalled());
	const runDir = mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-e2e-'));
	const [pg, redis] = await timed('postgres + redis', async () => await Promise.all([startPostgres(), startRedis()]));
	log(`postgres ${pg.port} (pid ${pg.pid}), redis ${redis.port} (pid ${redis.pid}), run folder ${runDir}`);

	const names = ['main', 'webhook', 'worker-1', 'worker-2'] as const;
	const folders = Object.fromEntries(names.map((name) => [name, path.join(runDir, name)])) as Record<(typeof names)[number], string>;
	await timed('package installs (4 user folders)', () => {
		for (const name of names) {
			mkdirSync(folders[name], { recursive: true });
			installPackageTarball(folders[name], tgz);
		}
	});

	const mainPort = await port();
	const webhookPort = await port();
	const mainUrl = `http://127.0.0.1:${mainPort}/`;
	const webhookUrl = `http://127.0.0.1:${webhookPort}/`;
	const filesDir = path.join(runDir, 'files');
	mkdirSync(filesDir);
	const shared = { ...queueModeEnv(pg, redis), N8N_RESTRICT_FILE_ACCESS_TO: filesDir };
	let extraEnv: Record<string, string> = {};

	// QUEUE_E2E_DEBUG=main,webhook: n8n debug logs for those processes only.
	const debugFor = new Set((process.env.QUEUE_E2E_DEBUG ?? '').split(',').map((s) => s.trim()));
	const envFor = async (role: QueueProcessRole, userFolder: string, httpPort?: number) => {
		const healthPort = role === 'worker' ? await port() : undefined;
		const brokerPort = await port();
		const base: NodeJS.ProcessEnv = { ...childEnv(path.dirname(install.nodeBin)), ...n8nEnv(userFolder, httpPort ?? (healthPort as number), brokerPort) };
		delete base.WEBHOOK_URL; // deprecated in 2.40; N8N_WEBHOOK_URL below, the same for every process
		const env: NodeJS.ProcessEnv = {
			...base,
			...shared,
			...queueProcessEnv(role, { httpPort, healthPort, brokerPort, userFolder, webhookUrl }),
			N8N_WEBHOOK_URL: webhookUrl, // workers too: $execution.resumeUrl is built where the node runs
			N8N_EDITOR_BASE_URL: mainUrl,
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '15', // n8nEnv's 5 s is too short for a worker's Bull/Redis shutdown
			...(debugFor.has(path.basename(userFolder)) ? { N8N_LOG_LEVEL: 'debug' } : {}),
			...extraEnv,
		};
		const readyUrl = role === 'worker' ? `http://127.0.0.1:${healthPort}/healthz/readiness` : `http://127.0.0.1:${httpPort}/healthz/readiness`;
		return { env, readyUrl };
	};

	const httpPorts: Record<QueueProcessRole, number | undefined> = { main: mainPort, webhook: webhookPort, worker: undefined };
	const folderOf = new Map<N8nProcess, string>();
	const rest = new N8nRestClient(mainUrl.replace(/\/$/, ''), install.n8nDir);
	const startMain = async (): Promise<N8nProcess> => {
		const spec = await envFor('main', folders.main, mainPort);
		const main = await N8nProcess.start({ name: 'main', role: 'main', install, userFolder: folders.main, ...spec });
		folderOf.set(main, folders.main);
		return main;
	};
	const startOthers = async (): Promise<N8nProcess[]> => {
		const names = ['webhook', 'worker-1', 'worker-2'] as const;
		const results = await Promise.allSettled(
			names.map(async (name) => {
				const role = name === 'webhook' ? 'webhook' : 'worker';
				const spec = await envFor(role, folders[name], httpPorts[role]);
				const proc = await N8nProcess.start({
					name,
					role,
					install,
					userFolder: folders[name],
					readyLine: role === 'webhook' ? QUEUE_LOG_PATTERNS.webhookReady : QUEUE_LOG_PATTERNS.workerReady,
					...(role === 'worker' ? { concurrency: WORKER_CONCURRENCY } : {}),
					...spec,
				});
				folderOf.set(proc, folders[name]);
				return proc;
			}),
		);
		const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
		if (failure) throw failure.reason;
		return results.map((r) => (r as PromiseFulfilledResult<N8nProcess>).value);
	};
	const restartOne = async (proc: N8nProcess): Promise<void> => {
		if (proc.running) await proc.stop();
		const spec = await envFor(proc.role, folderOf.get(proc) as string, httpPorts[proc.role]);
		await proc.restart(spec.env, spec.readyUrl);
		if (proc.role === 'main') await rest.login(OWNER.email, OWNER.password);
	};

	try {
		const main = await timed('n8n main start (migrations)', startMain);
		await rest.setupOwner(OWNER);
		log(`main ready at ${mainUrl} (pid ${main.pid})`);
		const [webhook, ...workers] = await timed('n8n webhook + 2 workers start', startOthers);
		log(`webhook ready at ${webhookUrl} (pid ${webhook.pid}); workers pids ${workers.map((w) => w.pid).join(', ')}`);
		const all = [main, webhook, ...workers];
		return {
			install, pg, redis, main, webhook, workers, rest, mainUrl, webhookUrl, runDir, filesDir, timings,
			all: () => all,
			restart: restartOne,
			restartAll: async (env) => {
				extraEnv = { ...extraEnv, ...env };
				await stopAllN8n();
				await restartOne(main);
				await Promise.all([webhook, ...workers].map(restartOne));
			},
			stop: async (keepFiles = false) => await stopEverything(runDir, keepFiles),
		};
	} catch (error) {
		await stopEverything(runDir, true);
		throw new Error(`${(error as Error).message}\n(logs kept in ${runDir})`);
	}
}

async function stopEverything(runDir: string, keepFiles: boolean): Promise<void> {
	await stopAllN8n();
	await stopServices();
	if (!keepFiles && process.env.QUEUE_E2E_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
}

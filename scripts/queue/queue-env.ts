/**
 * The environment n8n 2.40.x needs for queue mode ("scaling mode") on PostgreSQL + Redis:
 * one main process (`n8n start`), webhook processes (`n8n webhook`) and workers
 * (`n8n worker --concurrency=N`), all sharing one database, one Redis and one encryption key.
 *
 *   const shared = queueModeEnv(pg, redis);                       // same for every process
 *   const env = { ...base, ...shared, ...queueProcessEnv('worker', { healthPort, brokerPort }) };
 *   spawn(node, [n8nBin, ...QUEUE_COMMANDS.worker(2)], { env });
 *
 * Sources, read in the installed n8n 2.40.7 (.cache/n8n-2.40.7/node_modules, which pins
 * @n8n/config 2.38.0 and n8n-core 2.40.3); upstream they are packages/@n8n/config/src/configs/*.ts,
 * packages/core/src/binary-data/binary-data.config.ts and packages/cli/src/** at the 2.40 tag:
 *   [db]     @n8n/config/dist/configs/database.config.js      DB_TYPE enum ['sqlite','postgresdb'], DB_POSTGRESDB_*
 *   [exec]   @n8n/config/dist/configs/executions.config.js    EXECUTIONS_MODE enum ['regular','queue']
 *   [scale]  @n8n/config/dist/configs/scaling-mode.config.js  QUEUE_BULL_*, QUEUE_HEALTH_CHECK_*, N8N_WORKER_SERVER_ADDRESS
 *   [redis]  @n8n/config/dist/configs/redis.config.js         N8N_REDIS_KEY_PREFIX (pub/sub channel prefix, default 'n8n')
 *   [inst]   @n8n/config/dist/configs/instance-settings-config.js  N8N_ENCRYPTION_KEY
 *   [bin]    n8n-core/dist/binary-data/binary-data.config.js  N8N_DEFAULT_BINARY_DATA_MODE enum
 *            ['default','filesystem','s3','azure','database']; unset => 'database' in queue mode, else 'filesystem'
 *   [run]    n8n/dist/workflow-runner.js + commands/start.js + deprecation/deprecation.service.js
 *            OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS (compared with === 'true')
 *   [worker] n8n/dist/commands/worker.js                       flag --concurrency (default 10); N8N_CONCURRENCY_PRODUCTION_LIMIT wins when != -1
 *   [wsrv]   n8n/dist/scaling/worker-server.js                 /healthz, /healthz/readiness (+ /metrics with N8N_METRICS=true)
 *   [runners] @n8n/config/dist/configs/runners.config.js      N8N_RUNNERS_BROKER_PORT (default 5679) per process that runs tasks
 *   [evlog]  n8n/dist/eventbus/message-event-bus-writer/resolve-event-log-path.js  <userFolder>/.n8n/n8nEventLog-worker.log
 *   [main]   @n8n/config/dist/index.js                          N8N_PORT, N8N_LISTEN_ADDRESS, N8N_WEBHOOK_URL
 */
import { createHash } from 'node:crypto';

export interface QueuePostgres {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
}

export interface QueueRedis {
	host: string;
	port: number;
}

/**
 * Settings every process of one queue-mode deployment shares. The encryption key, unless
 * given in `extra`, is derived from the database's address and random password: calling
 * this once per process with the same `pg` yields the same key, and each run gets a new one.
 */
export function queueModeEnv(pg: QueuePostgres, redis: QueueRedis, extra: Record<string, string> = {}): Record<string, string> {
	return {
		// [db] PostgreSQL: queue mode with SQLite only logs a warning ("not officially supported"),
		// but SQLite can't be shared safely between processes.
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: pg.password,
		DB_POSTGRESDB_SCHEMA: 'public', // [db] default 'public'

		// [exec] enqueue executions in Bull on Redis instead of running them in the receiving process.
		// (`n8n worker` forces 'queue' itself; `n8n webhook` refuses to start without it.)
		EXECUTIONS_MODE: 'queue',

		// [scale] Bull's Redis (also used for pub/sub between main, webhook and workers).
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_REDIS_DB: '0',
		QUEUE_BULL_PREFIX: 'bull', // [scale] default; Bull keys are bull:jobs:*
		N8N_REDIS_KEY_PREFIX: 'n8n', // [redis] default; pub/sub channels n8n:n8n.commands, n8n:n8n.worker-response

		// [inst] must be identical in every process: credentials are encrypted by one and decrypted by another.
		N8N_ENCRYPTION_KEY: createHash('sha256')
			.update(`n8n-queue-e2e:${pg.host}:${pg.port}:${pg.database}:${pg.password}`)
			.digest('hex')
			.slice(0, 48),

		// [bin] binary data in PostgreSQL so a worker can read what main/webhook stored and vice versa
		// ('filesystem' would need a shared folder). Max size: N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE (MiB, default 512, max 1024).
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',

		// [run] manual (editor / REST "run workflow") executions also go to workers; without it main runs
		// them itself (and 2.40 logs a deprecation warning). Must be exactly 'true'.
		// With it, `n8n start` skips starting its own task runner (commands/start.js: needsTaskRunner = false).
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',

		// [scale] worker HTTP server: /healthz and /healthz/readiness (DB connected+migrated, Redis
		// connected, worker ready). Only workers read these; each worker needs its own
		// QUEUE_HEALTH_CHECK_PORT (see queueProcessEnv). Default address is '::' (all interfaces).
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',

		...extra,
	};
}

export type QueueProcessRole = 'main' | 'webhook' | 'worker';

export interface QueueProcessPorts {
	/** main and webhook: the HTTP port (N8N_PORT; both default to 5678, so they must differ). */
	httpPort?: number;
	/** worker: its health server port (QUEUE_HEALTH_CHECK_PORT, default 5678 like main's). */
	healthPort?: number;
	/** main and worker: the internal task-runner broker port (N8N_RUNNERS_BROKER_PORT, default 5679). */
	brokerPort?: number;
	/** N8N_USER_FOLDER; see the note on sharing one below. */
	userFolder?: string;
	/** When processes share a user folder: a distinct event log per process ([evlog]). */
	eventLogFile?: string;
	/** Public base URL for webhooks (N8N_WEBHOOK_URL; WEBHOOK_URL is deprecated in 2.40). */
	webhookUrl?: string;
}

/**
 * Per-process settings: everything that binds a port or writes a per-process file.
 * On one machine all of main, webhook and the workers default to port 5678 and the task
 * runner brokers of main and workers to 5679, so each process needs its own.
 *
 * User folder: workers load community packages from `<N8N_USER_FOLDER>/.n8n/nodes` (worker.js
 * sets needsCommunityPackages), so each process's folder must have the package installed,
 * or all share one folder. If they share one, give each worker its own eventLogFile:
 * both workers otherwise append to the same n8nEventLog-worker.log ([evlog]).
 */
export function queueProcessEnv(role: QueueProcessRole, ports: QueueProcessPorts = {}): Record<string, string> {
	const env: Record<string, string> = {};
	if (ports.userFolder) env.N8N_USER_FOLDER = ports.userFolder;
	if (ports.eventLogFile) env.N8N_EVENTBUS_LOGWRITER_LOGFULLPATH = ports.eventLogFile; // absolute, ends in .log
	if (role === 'main' || role === 'webhook') {
		if (ports.httpPort !== undefined) env.N8N_PORT = String(ports.httpPort);
		env.N8N_LISTEN_ADDRESS = '127.0.0.1';
		if (ports.webhookUrl) env.N8N_WEBHOOK_URL = ports.webhookUrl;
	}
	if (role === 'worker' && ports.healthPort !== undefined) env.QUEUE_HEALTH_CHECK_PORT = String(ports.healthPort);
	if ((role === 'main' || role === 'worker') && ports.brokerPort !== undefined) {
		env.N8N_RUNNERS_BROKER_PORT = String(ports.brokerPort);
		env.N8N_RUNNERS_BROKER_LISTEN_ADDRESS = '127.0.0.1';
	}
	return env;
}

/** argv after n8n's bin for each role ([worker]: --concurrency, default 10; < 5 logs a warning). */
export const QUEUE_COMMANDS = {
	main: (): string[] => ['start'],
	webhook: (): string[] => ['webhook'],
	worker: (concurrency = 10): string[] => ['worker', `--concurrency=${concurrency}`],
};

/** Log lines (text format) that tell which process handled an execution. */
export const QUEUE_LOG_PATTERNS = {
	/** worker log, n8n/dist/scaling/job-processor.js */
	workerStarted: /Worker started execution (\d+) \(job (\d+)\)/,
	workerFinished: /Worker finished execution (\d+) \(job (\d+)\)/,
	/** main/webhook log, n8n/dist/scaling/scaling.service.js */
	enqueued: /Enqueued execution (\d+) \(job (\d+)\)/,
	finished: /Execution (\d+) \(job (\d+)\) finished/,
	/** worker log once it takes jobs, n8n/dist/commands/worker.js */
	workerReady: /n8n worker is now ready/,
	/** webhook log, n8n/dist/commands/webhook.js */
	webhookReady: /Webhook listener waiting for requests/,
};

/**
 * Throwaway PostgreSQL and Redis servers for n8n queue-mode tests, from Debian's packages,
 * run as our own processes (no system service, no systemd) on free loopback ports.
 *
 *   const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
 *   try {
 *     const env = queueModeEnv(pg, redis); // see queue-env.ts
 *     ...
 *   } finally {
 *     await stopAll();
 *   }
 *
 * - packages.ts installs `postgresql` and `redis-server` when their binaries are missing.
 * - postgres.ts, redis.ts start each server in a fresh run folder (run-folders.ts, which also
 *   sweeps the folders of runs that were SIGKILLed).
 * - lifecycle.ts starts a server on a free port and stops it, and everything it forked, by pid:
 *   on stop(), on a failed start, on process exit and on SIGINT/SIGTERM/SIGHUP.
 */
export { QUEUE_COMMANDS, QUEUE_LOG_PATTERNS, queueModeEnv, queueProcessEnv, type QueueProcessRole } from '../queue-env';
export { stopAll } from './lifecycle';
export { ensureServicePackages, findPgBinaries, findRedisServer } from './packages';
export { startPostgres } from './postgres';
export { startRedis } from './redis';
export { sweepStaleRuns } from './run-folders';
export type { InstallReport, PgBinaries, PostgresOptions, PostgresService, RedisOptions, RedisService, ServiceHandle } from './types';

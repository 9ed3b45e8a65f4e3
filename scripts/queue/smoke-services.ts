/**
 * Smoke test of scripts/queue/services/: installs PostgreSQL and Redis if missing,
 * starts both, proves them (a table through psql; SET/GET and pub/sub with ioredis),
 * prints timings, stops them, and checks by pid that no process of theirs is left.
 *
 *   ts-node --transpile-only scripts/queue/smoke-services.ts
 *
 * QUEUE_SMOKE_HOLD=1 keeps the services up after the checks until SIGINT/SIGTERM
 * (to try the signal handling by hand).
 */
import { existsSync } from 'node:fs';
import { isAlive, readProcStat } from '../kit/processes';
import { withTimeout } from '../e2e/scenario-kit';
import { connectRedis } from './redis-client';
import { ensureServicePackages, type PostgresService, queueModeEnv, type RedisService, startPostgres, startRedis, stopAll } from './services';

let passed = 0;
let failed = 0;

function check(name: string, ok: boolean, detail = ''): void {
	if (ok) passed++;
	else failed++;
	process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}\n`);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
	const t0 = process.hrtime.bigint();
	const value = await fn();
	return [value, Number((process.hrtime.bigint() - t0) / 1_000_000n)];
}

async function provePostgres(pg: PostgresService): Promise<void> {
	const as = { user: pg.user, database: pg.database };
	await pg.psql('CREATE TABLE smoke (id serial PRIMARY KEY, note text NOT NULL, at timestamptz DEFAULT now())', as);
	await pg.psql("INSERT INTO smoke (note) VALUES ('alpha'), ('beta')", as);
	const rows = (await pg.psql('SELECT id, note FROM smoke ORDER BY id', as)).trim();
	check('postgres: create table, insert, select as the n8n user', rows === '1|alpha\n2|beta', JSON.stringify(rows));
	const listen = (await pg.psql("SELECT setting FROM pg_settings WHERE name = 'listen_addresses'")).trim();
	check('postgres: listens on 127.0.0.1 only', listen === '127.0.0.1', listen);
	const version = (await pg.psql('SHOW server_version')).trim();
	check('postgres: server answers', version.length > 0, `PostgreSQL ${version}`);
}

async function proveRedis(redis: RedisService): Promise<void> {
	const client = await connectRedis(redis);
	try {
		const set = await client.set('smoke:key', 'hello queue');
		const get = await client.get('smoke:key');
		check('redis: SET/GET', set === 'OK' && get === 'hello queue', `${String(set)} / ${String(get)}`);
		const [, save] = (await client.config('GET', 'save')) as string[];
		const [, aof] = (await client.config('GET', 'appendonly')) as string[];
		check('redis: no persistence', save === '' && aof === 'no', `save=${JSON.stringify(save)} appendonly=${String(aof)}`);
	} finally {
		client.disconnect();
	}
	// pub/sub, as n8n's main/webhook/workers use it
	const subscriber = await connectRedis(redis);
	const publisher = await connectRedis(redis);
	try {
		const message = new Promise<string>((resolve) => subscriber.on('message', (_channel: string, text: string) => resolve(text)));
		await subscriber.subscribe('smoke:channel');
		const receivers = await publisher.publish('smoke:channel', '{"hello":"workers"}');
		const text = await withTimeout(message, 2000, 'pub/sub message');
		check('redis: PUBLISH/SUBSCRIBE', receivers === 1 && text === '{"hello":"workers"}', `${String(receivers)} receiver(s)`);
	} finally {
		subscriber.disconnect();
		publisher.disconnect();
	}
}

async function main(): Promise<void> {
	const [install, installMs] = await timed(ensureServicePackages);
	if (install.installed.length > 0) {
		process.stdout.write(
			`install: ${install.installed.join(' ')} in ${installMs} ms (apt-get update ${install.updateMs} ms, install ${install.installMs} ms)\n`,
		);
	} else {
		process.stdout.write(`install: nothing to install (${installMs} ms to check)\n`);
	}

	const t0 = Date.now();
	const [[pg, pgMs], [redis, redisMs]] = await Promise.all([timed(startPostgres), timed(startRedis)]);
	const bothMs = Date.now() - t0;
	process.stdout.write(`start: postgres ${pgMs} ms (initdb + start + role/db), redis ${redisMs} ms, both in parallel ${bothMs} ms\n`);
	process.stdout.write(`postgres: ${pg.host}:${pg.port} db=${pg.database} user=${pg.user} pid=${pg.pid} dir=${pg.runDir}\n`);
	process.stdout.write(`redis:    ${redis.host}:${redis.port} pid=${redis.pid} dir=${redis.runDir}\n`);

	await provePostgres(pg);
	await proveRedis(redis);

	const env = queueModeEnv(pg, redis);
	check(
		'queueModeEnv: points at these services',
		env.DB_POSTGRESDB_PORT === String(pg.port) && env.QUEUE_BULL_REDIS_PORT === String(redis.port) && env.EXECUTIONS_MODE === 'queue',
	);
	check('queueModeEnv: same encryption key on every call', queueModeEnv(pg, redis).N8N_ENCRYPTION_KEY === env.N8N_ENCRYPTION_KEY);

	// Every process of theirs, with its start time (so a reused pid is not mistaken for it).
	const processes = [...pg.pids(), ...redis.pids()].map((pid) => ({ pid, start: readProcStat(pid)?.startTime ?? '' }));
	process.stdout.write(`processes: postgres ${pg.pids().join(',')}; redis ${redis.pids().join(',')}\n`);
	check('postgres: postmaster and its helper processes tracked', pg.pids().length >= 3 && pg.pids().includes(pg.pid));

	if (process.env.QUEUE_SMOKE_HOLD === '1') {
		process.stdout.write(`holding (pid ${process.pid}); send SIGINT or SIGTERM\n`);
		await new Promise(() => undefined);
	}

	const [, stopMs] = await timed(async () => await Promise.all([pg.stop(), redis.stop()]));
	process.stdout.write(`stop: ${stopMs} ms\n`);
	const left = processes.filter((p) => isAlive(p.pid, p.start));
	check('stop: no process left (by pid)', left.length === 0, left.length ? `alive: ${left.map((p) => p.pid).join(',')}` : `${processes.length} processes gone`);
	check('stop: run folders removed', !existsSync(pg.runDir) && !existsSync(redis.runDir));
}

main()
	.catch((error: unknown) => {
		failed++;
		process.stdout.write(`FAIL ${(error as Error).stack ?? String(error)}\n`);
	})
	.finally(async () => {
		await stopAll();
		process.stdout.write(`smoke-services: ${passed} passed, ${failed} failed\n`);
		process.exitCode = failed > 0 ? 1 : 0;
	});

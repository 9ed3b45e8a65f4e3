/**
 * A throwaway PostgreSQL: a fresh data folder, 127.0.0.1 only, no Unix socket, trust auth on
 * loopback, fsync off; a database and a login role for n8n. Run as the `postgres` system user
 * when we are root (it refuses root), spawned as that user directly (spawn's uid/gid, not
 * runuser/su), so the pid we hold is the postmaster's own.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand, serverEnv, spawnServer, tail } from './commands';
import { type LiveService, startWithFreePort } from './lifecycle';
import { ensureServicePackages, findPgBinaries } from './packages';
import { makeRunDir, removeRunDir } from './run-folders';
import type { PostgresOptions, PostgresService } from './types';

export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresService> {
	await ensureServicePackages();
	const bin = findPgBinaries();
	if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin');
	const database = options.database ?? 'n8n';
	const user = options.user ?? 'n8n';
	const password = options.password ?? randomBytes(12).toString('hex');
	const superuser = 'postgres';
	assertIdentifier(database);
	assertIdentifier(user);
	const runAs = postgresRunAs();

	const runDir = makeRunDir('pg', runAs);
	const dataDir = path.join(runDir, 'pg');
	const logFile = path.join(runDir, 'postgres.log');
	mkdirSync(dataDir, { mode: 0o700 });
	if (runAs) chownSync(dataDir, runAs.uid, runAs.gid);
	chmodSync(dataDir, 0o700);

	let service: LiveService | undefined;
	try {
		const pgEnv = serverEnv(runAs ? '/var/lib/postgresql' : undefined);
		await runCommand(
			bin.initdb,
			['-D', dataDir, '-U', superuser, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
			{ cwd: runDir, env: pgEnv, ...(runAs ?? {}), logFile },
		);

		const settings: Record<string, string> = {
			listen_addresses: '127.0.0.1',
			unix_socket_directories: '',
			fsync: 'off',
			synchronous_commit: 'off',
			full_page_writes: 'off',
			max_connections: '200',
			...(options.settings ?? {}),
		};
		service = await startWithFreePort('postgres', runDir, logFile, options.startTimeoutMs ?? 60_000, {
			spawn: (port) =>
				spawnServer(bin.postgres, ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
					cwd: dataDir,
					env: pgEnv,
					logFile,
					...(runAs ?? {}),
				}),
			ready: async (port) =>
				(await runCommand(bin.pgIsready, ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', superuser, '-d', 'postgres', '-t', '2'], {
					env: pgEnv,
					allowFailure: true,
				})).code === 0,
			gentleSignal: 'SIGINT', // "fast" shutdown: ends sessions, no waiting for clients
		});

		const port = service.port;
		const psql = async (sql: string, opts: { user?: string; database?: string } = {}): Promise<string> => {
			const result = await runCommand(
				bin.psql,
				['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', opts.user ?? superuser, '-d', opts.database ?? 'postgres', '-c', sql],
				{ env: { ...serverEnv(), PGPASSWORD: opts.user === user ? password : '', PGCONNECT_TIMEOUT: '5' } },
			);
			return result.stdout;
		};
		await psql(`CREATE ROLE "${user}" LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
		await psql(`CREATE DATABASE "${database}" OWNER "${user}" ENCODING 'UTF8' TEMPLATE template0`);
		const whoami = (await psql('SELECT current_user', { user, database })).trim();
		if (whoami !== user) throw new Error(`connected as ${JSON.stringify(whoami)}, expected ${user}`);

		const live = service;
		const pg: PostgresService = {
			name: 'postgres',
			host: '127.0.0.1',
			port,
			pid: live.pid,
			runDir,
			logFile,
			database,
			user,
			password,
			superuser,
			dataDir,
			bin,
			url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
			psql,
			pids: () => live.pids(),
			logTail: (lines) => tail(logFile, lines),
			stop: async () => await live.stop(),
		};
		return pg;
	} catch (error) {
		const logText = tail(logFile, 40);
		if (service) await service.stop();
		else removeRunDir(runDir);
		throw new Error(`PostgreSQL did not start: ${(error as Error).message}${logText ? `\n--- postgres.log (tail) ---\n${logText}` : ''}`);
	}
}

/** Who runs initdb/postgres: the `postgres` system user when we are root, else ourselves. */
function postgresRunAs(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const entry = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.map((line) => line.split(':'))
		.find((fields) => fields[0] === 'postgres');
	if (!entry) throw new Error('no `postgres` system user (the postgresql package creates it)');
	return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

function assertIdentifier(name: string): void {
	if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`unsafe SQL identifier ${JSON.stringify(name)}`);
}

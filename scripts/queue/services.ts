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
 * - Installs `postgresql` and `redis-server` with apt-get when their binaries are missing
 *   (apt-get update once, then one install; services are kept from auto-starting).
 * - Each server gets a fresh folder `.cache/queue-e2e/<random>/{pg,redis}` (QUEUE_E2E_DIR
 *   overrides the parent), removed on stop (QUEUE_E2E_KEEP=1 keeps it).
 * - PostgreSQL runs as the `postgres` system user when we are root (it refuses root),
 *   listens on 127.0.0.1 only, no Unix socket, trust auth for loopback, fsync off.
 *   A database and a login role for n8n are created.
 * - PostgreSQL is spawned directly as that user (spawn's uid/gid, not via runuser/su), so
 *   the pid we hold is the postmaster's own.
 * - Every process is started in its own process group. stop() sends the server a gentle
 *   signal (postgres SIGINT = fast shutdown; redis SIGTERM), then SIGSTOPs and SIGKILLs by
 *   pid whatever is left of it — its descendants and any process whose working directory
 *   is in its run folder (postgres backends call setsid(), so a process group is not
 *   enough) — and waits until none is alive. The same happens on a failed start, on
 *   process exit and on SIGINT/SIGTERM/SIGHUP. A run that was SIGKILLed leaves its folder
 *   with an owner.json that the next start sweeps (kills its processes by pid, checking
 *   start time / working directory first, and deletes the folder).
 */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	chmodSync,
	chownSync,
	closeSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RespClient } from './resp';

export { QUEUE_COMMANDS, QUEUE_LOG_PATTERNS, queueModeEnv, queueProcessEnv, type QueueProcessRole } from './queue-env';

const LOG_PREFIX = '[queue-services]';
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_BASE_DIR = path.join(REPO_ROOT, '.cache', 'queue-e2e');
const OWNER_FILE = 'owner.json';

// ---------------------------------------------------------------------------------------
// Public types

export interface ServiceHandle {
	readonly name: 'postgres' | 'redis';
	readonly host: string;
	readonly port: number;
	/** Main process id (also its process group id). */
	readonly pid: number;
	/** Folder holding this service's data and log (removed on stop unless kept). */
	readonly runDir: string;
	readonly logFile: string;
	/** Ids of the service's live processes (server, its descendants, anything working in runDir). */
	pids(): number[];
	logTail(lines?: number): string;
	stop(): Promise<void>;
}

export interface PostgresService extends ServiceHandle {
	readonly name: 'postgres';
	/** Database for n8n (owned by `user`). */
	readonly database: string;
	/** Login role for n8n. */
	readonly user: string;
	readonly password: string;
	/** Superuser (trust auth on loopback, no password). */
	readonly superuser: string;
	readonly dataDir: string;
	readonly bin: PgBinaries;
	/** postgres://user:password@host:port/database */
	readonly url: string;
	/** Runs SQL with psql (-X -A -t, ON_ERROR_STOP) and returns its stdout. */
	psql(sql: string, options?: { user?: string; database?: string }): Promise<string>;
}

export interface RedisService extends ServiceHandle {
	readonly name: 'redis';
	readonly dir: string;
	readonly bin: string;
}

export interface PostgresOptions {
	database?: string;
	user?: string;
	password?: string;
	/** Readiness timeout (default 60 s). */
	startTimeoutMs?: number;
	/** Extra `-c name=value` server settings. */
	settings?: Record<string, string>;
}

export interface RedisOptions {
	startTimeoutMs?: number;
	/** Extra `--name value` arguments. */
	args?: string[];
}

export interface PgBinaries {
	version: string;
	dir: string;
	postgres: string;
	initdb: string;
	pgIsready: string;
	psql: string;
}

export interface InstallReport {
	/** Debian packages installed by this call ([] when everything was present). */
	installed: string[];
	updateMs: number;
	installMs: number;
	totalMs: number;
}

// ---------------------------------------------------------------------------------------
// Binaries and installation

export function findPgBinaries(): PgBinaries | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((v) => /^\d+(\.\d+)?$/.test(v))
		.sort((a, b) => Number(b) - Number(a));
	for (const version of versions) {
		const dir = path.join(root, version, 'bin');
		const bin: PgBinaries = {
			version,
			dir,
			postgres: path.join(dir, 'postgres'),
			initdb: path.join(dir, 'initdb'),
			pgIsready: path.join(dir, 'pg_isready'),
			psql: path.join(dir, 'psql'),
		};
		if ([bin.postgres, bin.initdb, bin.pgIsready, bin.psql].every((f) => existsSync(f))) return bin;
	}
	return undefined;
}

export function findRedisServer(): string | undefined {
	for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
		if (existsSync(candidate)) return candidate;
	}
	return undefined;
}

let installPromise: Promise<InstallReport> | undefined;

/**
 * Installs Debian's `postgresql` and `redis-server` if their binaries are missing
 * (once per process; concurrent callers share the same run).
 */
export async function ensureServicePackages(): Promise<InstallReport> {
	installPromise ??= installMissing();
	return await installPromise;
}

async function installMissing(): Promise<InstallReport> {
	const started = Date.now();
	const missing: string[] = [];
	if (!findPgBinaries()) missing.push('postgresql');
	if (!findRedisServer()) missing.push('redis-server');
	if (missing.length === 0) return { installed: [], updateMs: 0, installMs: 0, totalMs: 0 };
	if (process.getuid?.() !== 0) {
		throw new Error(`${missing.join(' and ')} missing; run as root or: apt-get install -y ${missing.join(' ')}`);
	}
	log(`installing ${missing.join(', ')} from Debian's packages`);
	const env = {
		...process.env,
		DEBIAN_FRONTEND: 'noninteractive',
		NEEDRESTART_MODE: 'l',
	};
	const aptOptions = ['-q', '-o', 'DPkg::Lock::Timeout=300'];
	// Keep the packages' maintainer scripts from starting the system services
	// (a cluster on 5432, redis on 6379): invoke-rc.d obeys policy-rc.d exit 101.
	const policy = '/usr/sbin/policy-rc.d';
	const ownPolicy = !existsSync(policy);
	if (ownPolicy) writeFileSync(policy, '#!/bin/sh\n# written by scripts/queue/services.ts during apt-get install\nexit 101\n', { mode: 0o755 });
	try {
		const t0 = Date.now();
		await runCommand('apt-get', [...aptOptions, 'update'], { env, stdio: ['ignore', process.stderr, process.stderr] });
		const t1 = Date.now();
		await runCommand('apt-get', [...aptOptions, 'install', '-y', '--no-install-recommends', ...missing], {
			env,
			stdio: ['ignore', process.stderr, process.stderr],
		});
		const t2 = Date.now();
		if (missing.includes('postgresql') && !findPgBinaries()) throw new Error('postgresql installed but no /usr/lib/postgresql/*/bin/postgres');
		if (missing.includes('redis-server') && !findRedisServer()) throw new Error('redis-server installed but no redis-server binary');
		const report = { installed: missing, updateMs: t1 - t0, installMs: t2 - t1, totalMs: Date.now() - started };
		log(`installed ${missing.join(', ')} in ${report.totalMs} ms (update ${report.updateMs} ms, install ${report.installMs} ms)`);
		return report;
	} finally {
		if (ownPolicy) rmSync(policy, { force: true });
	}
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

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

// ---------------------------------------------------------------------------------------
// Redis

export async function startRedis(options: RedisOptions = {}): Promise<RedisService> {
	await ensureServicePackages();
	const bin = findRedisServer();
	if (!bin) throw new Error('redis-server binary not found');
	const runDir = makeRunDir('redis');
	const dir = path.join(runDir, 'redis');
	const logFile = path.join(runDir, 'redis.log');
	mkdirSync(dir, { mode: 0o700 });
	let service: LiveService | undefined;
	try {
		service = await startWithFreePort('redis', runDir, logFile, options.startTimeoutMs ?? 30_000, {
			spawn: (port) =>
				spawnServer(
					bin,
					[
						'--port', String(port),
						'--bind', '127.0.0.1',
						'--save', '',
						'--appendonly', 'no',
						'--dir', dir,
						'--daemonize', 'no',
						'--supervised', 'no',
						'--logfile', '',
						'--protected-mode', 'yes',
						...(options.args ?? []),
					],
					{ cwd: dir, env: serverEnv(), logFile },
				),
			ready: async (port) => {
				try {
					const client = await RespClient.connect('127.0.0.1', port, { timeoutMs: 1000 });
					try {
						return (await client.call('PING')) === 'PONG';
					} finally {
						client.close();
					}
				} catch {
					return false;
				}
			},
			gentleSignal: 'SIGTERM',
		});
		const live = service;
		const redis: RedisService = {
			name: 'redis',
			host: '127.0.0.1',
			port: live.port,
			pid: live.pid,
			runDir,
			logFile,
			dir,
			bin,
			pids: () => live.pids(),
			logTail: (lines) => tail(logFile, lines),
			stop: async () => await live.stop(),
		};
		return redis;
	} catch (error) {
		const logText = tail(logFile, 40);
		if (service) await service.stop();
		else removeRunDir(runDir);
		throw new Error(`Redis did not start: ${(error as Error).message}${logText ? `\n--- redis.log (tail) ---\n${logText}` : ''}`);
	}
}

// ---------------------------------------------------------------------------------------
// Process lifecycle

interface LiveService {
	name: string;
	port: number;
	pid: number;
	runDir: string;
	pids(): number[];
	stop(): Promise<void>;
	/** Synchronous last resort for process 'exit'. */
	killNow(): void;
}

const liveServices = new Set<LiveService>();
/** Short-lived helpers (initdb, psql, pg_isready, apt-get) still running. */
const transient = new Set<ChildProcess>();

/** Stops every service this process started (and any helper still running). */
export async function stopAll(): Promise<void> {
	for (const child of transient) killGroup(child.pid, 'SIGKILL');
	await Promise.allSettled([...liveServices].map(async (s) => await s.stop()));
}

interface StartSpec {
	spawn(port: number): ChildProcess;
	ready(port: number): Promise<boolean>;
	gentleSignal: NodeJS.Signals;
}

/**
 * Picks a free port, starts the server, waits until ready. Retries with another port when
 * the server died because the port was taken between our probe and its bind.
 */
async function startWithFreePort(name: string, runDir: string, logFile: string, timeoutMs: number, spec: StartSpec): Promise<LiveService> {
	registerExitHandlers();
	sweepStaleRuns();
	const deadline = Date.now() + timeoutMs;
	let lastError: Error | undefined;
	for (let attempt = 1; attempt <= 4; attempt++) {
		const port = await freePort();
		const child = spec.spawn(port);
		const pid = child.pid;
		if (pid === undefined) {
			const error = await new Promise<Error>((resolve) => child.once('error', resolve));
			throw new Error(`could not spawn ${name}: ${error.message}`);
		}
		const exited = new Promise<void>((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) resolve();
			else child.once('exit', () => resolve());
		});
		const startTime = readProcStat(pid)?.startTime;
		const pids = (): number[] => servicePids(pid, startTime, runDir);
		let stopping: Promise<void> | undefined;
		const service: LiveService = {
			name,
			port,
			pid,
			runDir,
			pids,
			stop: async () => {
				stopping ??= (async () => {
					await stopProcesses(child, pid, exited, spec.gentleSignal, pids);
					liveServices.delete(service);
					removeRunDir(runDir);
				})();
				await stopping;
			},
			killNow: () => {
				killAllNow(pid, pids);
				if (process.env.QUEUE_E2E_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
			},
		};
		liveServices.add(service);
		recordOwner(runDir, pid);
		try {
			for (;;) {
				if (child.exitCode !== null || child.signalCode !== null) {
					throw new Error(`${name} exited early (${child.exitCode ?? child.signalCode})`);
				}
				if (await spec.ready(port)) {
					log(`${name} ready on 127.0.0.1:${port} (pid ${pid})`);
					return service;
				}
				if (Date.now() > deadline) throw new Error(`${name} not ready after ${timeoutMs} ms`);
				await sleep(100);
			}
		} catch (error) {
			lastError = error as Error;
			const portTaken = /address already in use|could not bind|could not create any tcp\/ip sockets/i.test(tail(logFile, 20));
			await stopProcesses(child, pid, exited, 'SIGKILL', pids);
			liveServices.delete(service);
			if (!portTaken || Date.now() > deadline) throw lastError;
			log(`${name}: port ${port} was taken, retrying with another`);
		}
	}
	throw lastError ?? new Error(`${name} did not start`);
}

/**
 * A service's processes: the server, its descendants, and any process working inside its
 * run folder (PostgreSQL's backends call setsid(), so they are not in the postmaster's
 * process group; and they are re-parented if the postmaster dies first — but their working
 * directory stays the data directory).
 */
function servicePids(rootPid: number, rootStart: string | undefined, runDir: string): number[] {
	const table = processTable();
	const found = new Set<number>();
	const root = table.get(rootPid);
	if (root && (rootStart === undefined || root.startTime === rootStart)) {
		found.add(rootPid);
		const queue = [rootPid];
		while (queue.length > 0) {
			const parent = queue.shift() as number;
			for (const stat of table.values()) {
				if (stat.ppid === parent && !found.has(stat.pid)) {
					found.add(stat.pid);
					queue.push(stat.pid);
				}
			}
		}
	}
	for (const stat of table.values()) {
		if (!found.has(stat.pid) && isInside(processCwd(stat.pid), runDir)) found.add(stat.pid);
	}
	return [...found].sort((a, b) => a - b);
}

/**
 * Gentle signal to the server and a grace period; then freeze it (SIGSTOP: no more forks),
 * SIGKILL every process of the service by pid, and wait until none is left.
 */
async function stopProcesses(
	child: ChildProcess,
	pid: number,
	exited: Promise<void>,
	gentle: NodeJS.Signals,
	pids: () => number[],
	graceMs = 10_000,
): Promise<void> {
	if (child.exitCode === null && child.signalCode === null && gentle !== 'SIGKILL') {
		try {
			process.kill(pid, gentle);
		} catch {
			// already gone
		}
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
		clearTimeout(timer);
	}
	const deadline = Date.now() + 10_000;
	for (;;) {
		const left = pids();
		const rootRunning = child.exitCode === null && child.signalCode === null;
		if (left.length === 0 && !rootRunning) return;
		if (Date.now() > deadline) throw new Error(`processes ${left.join(', ')} of pid ${pid} still alive after SIGKILL`);
		killAllNow(pid, () => left);
		await sleep(50);
	}
}

/** Synchronous: SIGSTOP the server, then SIGKILL its group and each of its processes. */
function killAllNow(pid: number, pids: () => number[]): void {
	try {
		process.kill(pid, 'SIGSTOP');
	} catch {
		// gone
	}
	const all = pids();
	killGroup(pid, 'SIGKILL');
	for (const p of all) {
		try {
			process.kill(p, 'SIGKILL');
		} catch {
			// gone
		}
	}
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// group gone
	}
	try {
		process.kill(pid, signal);
	} catch {
		// gone
	}
}

interface ProcStat {
	pid: number;
	state: string;
	ppid: number;
	pgrp: number;
	startTime: string;
}

export function readProcStat(pid: number): ProcStat | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// fields after comm: state(3) ppid(4) pgrp(5) ... starttime(22)
		return { pid, state: rest[0], ppid: Number(rest[1]), pgrp: Number(rest[2]), startTime: rest[19] };
	} catch {
		return undefined;
	}
}

/** Every live (non-zombie) process. */
function processTable(): Map<number, ProcStat> {
	const table = new Map<number, ProcStat>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = readProcStat(Number(entry));
		if (stat && stat.state !== 'Z' && stat.state !== 'X') table.set(stat.pid, stat);
	}
	return table;
}

function processCwd(pid: number): string {
	try {
		return readlinkSync(`/proc/${pid}/cwd`);
	} catch {
		return '';
	}
}

function isInside(file: string, dir: string): boolean {
	return file !== '' && (file === dir || file.startsWith(dir + path.sep));
}

/** Live processes whose working directory is inside `dir`. */
export function pidsWorkingIn(dir: string): number[] {
	return [...processTable().keys()].filter((pid) => isInside(processCwd(pid), dir));
}

/** Whether `pid` is a live (non-zombie) process, optionally the same one as when its start time was read. */
export function isProcessAlive(pid: number, startTime?: string): boolean {
	const stat = readProcStat(pid);
	if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
	return startTime === undefined || stat.startTime === startTime;
}

let handlersRegistered = false;
function registerExitHandlers(): void {
	if (handlersRegistered) return;
	handlersRegistered = true;
	process.on('exit', () => {
		for (const child of transient) killGroup(child.pid, 'SIGKILL');
		for (const service of liveServices) service.killNow();
	});
	const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			log(`${signal}: stopping services`);
			setTimeout(() => process.exit(codes[signal]), 20_000).unref();
			void stopAll().finally(() => process.exit(codes[signal]));
		});
	}
}

// ---------------------------------------------------------------------------------------
// Run folders, and sweeping those of runs that died without cleaning up

function baseDir(): string {
	return process.env.QUEUE_E2E_DIR ?? DEFAULT_BASE_DIR;
}

/** A fresh `<base>/<random>` folder; if `runAs` must reach it but can't, one under os.tmpdir(). */
function makeRunDir(kind: string, runAs?: { uid: number; gid: number }): string {
	const candidates = [baseDir(), path.join(os.tmpdir(), 'queue-e2e')];
	for (const base of candidates) {
		mkdirSync(base, { recursive: true });
		const dir = mkdtempSync(path.join(base, `${kind}-`));
		chmodSync(dir, 0o755);
		if (!runAs || canTraverse(dir, runAs.uid, runAs.gid)) {
			writeOwner(dir, []);
			return dir;
		}
		rmSync(dir, { recursive: true, force: true });
	}
	throw new Error(`no run folder reachable by uid ${runAs?.uid}`);
}

/** Whether uid:gid can search every directory on the way to `dir`. */
function canTraverse(dir: string, uid: number, gid: number): boolean {
	let current = path.resolve(dir);
	for (;;) {
		try {
			const st = statSync(current);
			const mode = st.mode;
			const ok = st.uid === uid ? mode & 0o100 : st.gid === gid ? mode & 0o010 : mode & 0o001;
			if (!ok) return false;
		} catch {
			return false;
		}
		const parent = path.dirname(current);
		if (parent === current) return true;
		current = parent;
	}
}

function removeRunDir(runDir: string): void {
	if (process.env.QUEUE_E2E_KEEP === '1') {
		log(`kept ${runDir}`);
		return;
	}
	rmSync(runDir, { recursive: true, force: true });
}

interface OwnerRecord {
	ownerPid: number;
	ownerStart: string;
	servers: Array<{ pid: number; start: string }>;
}

/** Marks `runDir` as ours (so a later run can sweep it if we die without cleaning up). */
function writeOwner(runDir: string, servers: OwnerRecord['servers']): void {
	const record: OwnerRecord = { ownerPid: process.pid, ownerStart: readProcStat(process.pid)?.startTime ?? '', servers };
	writeFileSync(path.join(runDir, OWNER_FILE), JSON.stringify(record));
}

function recordOwner(runDir: string, serverPid: number): void {
	writeOwner(runDir, [{ pid: serverPid, start: readProcStat(serverPid)?.startTime ?? '' }]);
}

/**
 * Run folders whose owner process is gone (it was SIGKILLed): kill, by pid, the recorded
 * server if it still has the recorded start time, and every process working inside that
 * folder (PostgreSQL's backends, re-parented); then delete the folder. A folder is first
 * renamed to `.trash-*`, so a sweep that is itself killed midway is finished by the next.
 * Folders without an owner record (their owner died right after creating them) count as
 * stale after a minute.
 */
export function sweepStaleRuns(): string[] {
	const swept: string[] = [];
	for (const base of [baseDir(), path.join(os.tmpdir(), 'queue-e2e')]) {
		if (!existsSync(base)) continue;
		for (const name of readdirSync(base)) {
			const runDir = path.join(base, name);
			try {
				if (!name.startsWith('.trash-')) {
					const record = readOwner(runDir);
					if (record === 'young' || (record && isProcessAlive(record.ownerPid, record.ownerStart))) continue;
					killLeftovers(runDir, record ? record.servers : []);
					const trash = path.join(base, `.trash-${name}-${randomBytes(4).toString('hex')}`);
					renameSync(runDir, trash);
					swept.push(runDir);
					killLeftovers(trash, []);
					rmSync(trash, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
				} else {
					killLeftovers(runDir, []);
					rmSync(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
				}
			} catch (error) {
				log(`could not sweep ${runDir}: ${(error as Error).message}`);
			}
		}
	}
	return swept;
}

/** The owner record; undefined when missing or unreadable and the folder is over a minute old; 'young' when younger. */
function readOwner(runDir: string): OwnerRecord | undefined | 'young' {
	try {
		return JSON.parse(readFileSync(path.join(runDir, OWNER_FILE), 'utf8')) as OwnerRecord;
	} catch {
		try {
			return Date.now() - statSync(runDir).mtimeMs < 60_000 ? 'young' : undefined;
		} catch {
			return 'young'; // gone meanwhile
		}
	}
}

function killLeftovers(runDir: string, servers: OwnerRecord['servers']): void {
	for (let round = 0; round < 40; round++) {
		const victims = pidsWorkingIn(runDir);
		for (const server of servers) {
			if (isProcessAlive(server.pid, server.start) && !victims.includes(server.pid)) victims.push(server.pid);
		}
		if (victims.length === 0) return;
		if (round === 0) log(`killing leftover processes ${victims.join(', ')} of dead run ${runDir}`);
		for (const pid of victims) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				// gone
			}
		}
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
	}
}

// ---------------------------------------------------------------------------------------
// Spawning helpers

interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	uid?: number;
	gid?: number;
	/** Append stdout+stderr to this file instead of capturing. */
	logFile?: string;
	stdio?: SpawnOptions['stdio'];
	/** Resolve with the exit code instead of rejecting on non-zero. */
	allowFailure?: boolean;
	timeoutMs?: number;
}

interface RunResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs a helper to completion in its own process group, tracked so exit handlers can kill it. */
async function runCommand(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
	registerExitHandlers();
	let logFd: number | undefined;
	if (options.logFile) logFd = openSync(options.logFile, 'a');
	const child = spawn(cmd, args, {
		cwd: options.cwd,
		env: options.env,
		uid: options.uid,
		gid: options.gid,
		detached: true,
		stdio: options.stdio ?? (logFd !== undefined ? ['ignore', logFd, logFd] : ['ignore', 'pipe', 'pipe']),
	});
	if (logFd !== undefined) closeSync(logFd);
	transient.add(child);
	let stdout = '';
	let stderr = '';
	child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
	child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
	const timeoutMs = options.timeoutMs ?? 15 * 60_000;
	const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), timeoutMs);
	try {
		const code = await new Promise<number | null>((resolve, reject) => {
			child.once('error', reject);
			child.once('close', (c, signal) => resolve(c ?? (signal ? 128 : null)));
		});
		if (code !== 0 && !options.allowFailure) {
			const detail = (stderr || stdout).trim().split('\n').slice(-15).join('\n');
			throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${code}${detail ? `:\n${detail}` : ''}`);
		}
		return { code, stdout, stderr };
	} finally {
		clearTimeout(timer);
		killGroup(child.pid, 'SIGKILL'); // anything it left behind in its group
		transient.delete(child);
	}
}

function spawnServer(cmd: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; uid?: number; gid?: number }): ChildProcess {
	const logFd = openSync(options.logFile, 'a');
	try {
		return spawn(cmd, args, {
			cwd: options.cwd,
			env: options.env,
			uid: options.uid,
			gid: options.gid,
			detached: true, // own process group: stop() kills the server and everything it forked
			stdio: ['ignore', logFd, logFd],
		});
	} finally {
		closeSync(logFd);
	}
}

/** A small, predictable environment for the servers and their client tools. */
function serverEnv(home?: string): NodeJS.ProcessEnv {
	return {
		PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
		LANG: 'C.UTF-8',
		LC_ALL: 'C.UTF-8',
		TZ: 'UTC',
		...(home ? { HOME: home } : { HOME: process.env.HOME ?? '/' }),
	};
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

function tail(file: string, lines = 60): string {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n').trim();
	} catch {
		return '';
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(message: string): void {
	process.stderr.write(`${LOG_PREFIX} ${message}\n`);
}

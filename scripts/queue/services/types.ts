/** What the throwaway PostgreSQL and Redis servers offer their callers (see index.ts). */

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

/**
 * Starts a throwaway, offline n8n (the pinned version or N8N_VERSION, under Node 24) on loopback,
 * with a fresh user folder and SQLite database, sets up its owner and logs in.
 *
 *   const n8n = await N8nInstance.start({ packages: ['n8n-nodes-apixo-0.1.0.tgz'] });
 *   try { ... n8n.rest.importWorkflow(...) ... } finally { await n8n.stop(); }
 *
 * The process runs in its own process group, killed by id on stop(), on exit and on
 * SIGINT/SIGTERM. n8n's output goes to <userFolder>/n8n.log (logTail() reads it).
 * Env: E2E_KEEP_N8N=1 keeps the user folder; E2E_N8N_LOG_LEVEL sets n8n's log level.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installPackageTarball, type InstalledPackage } from '../kit/community-package';
import { childEnv, ensureN8nInstalled, N8N_VERSION, type N8nInstall } from '../kit/n8n-install';
import { freePort, killGroup, sleep } from '../kit/processes';
import { N8nRestClient } from './n8n-rest';

export interface N8nStartOptions {
	/** `npm pack` tarballs to install as community packages before n8n starts. */
	packages?: string[];
	/** Extra environment for n8n (wins over the defaults below). */
	env?: Record<string, string>;
	/** How long to wait for n8n to answer /healthz/readiness (default 180 s). */
	startTimeoutMs?: number;
	/**
	 * Runs after the packages are installed and before n8n starts (e.g. to check that the
	 * installed package loads); a throw aborts the start.
	 */
	afterInstall?: (packages: InstalledPackage[], userFolder: string) => void | Promise<void>;
	/**
	 * Run in this user folder and keep it on stop (`npm run dev` restarts n8n on its database);
	 * the owner is set up on first use and logged in after. Default: a fresh temp folder, removed on stop.
	 */
	userFolder?: string;
	/** Listen on this port (default: a free one). */
	port?: number;
}

export const OWNER = { email: 'owner@e2e.test', password: 'E2e-Passw0rd!', firstName: 'E2E', lastName: 'Owner' };

/** Instances started and not yet fully stopped (a stop under way included). */
const live = new Set<N8nInstance>();

/** Stops every instance of this process (those already stopping included) and waits for them. */
export async function stopAllInstances(): Promise<void> {
	await Promise.allSettled([...live].map(async (instance) => await instance.stop()));
}

export class N8nInstance {
	readonly rest: N8nRestClient;
	private exited: Promise<void>;

	private constructor(
		readonly install: N8nInstall,
		readonly port: number,
		readonly userFolder: string,
		readonly logFile: string,
		readonly packages: InstalledPackage[],
		private child: ChildProcess,
		readonly keepUserFolder: boolean,
		private readonly env: NodeJS.ProcessEnv,
	) {
		this.rest = new N8nRestClient(this.baseUrl, install.n8nDir);
		this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
	}

	/**
	 * Stops n8n as an operator would (SIGTERM) and starts it again on the same database, port
	 * and encryption key, as after a deploy or a crash-restart.
	 */
	async restart(timeoutMs = 180_000): Promise<void> {
		await this.terminate();
		this.child = spawnN8n(this.install, this.userFolder, this.logFile, this.env);
		this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
		await this.waitUntilReady(timeoutMs);
		await this.rest.login(OWNER.email, OWNER.password);
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/**
	 * Production webhook URL (<WEBHOOK_URL>webhook/<path>). For a node that declares
	 * `path: 'x'` the path is `<webhookId>/x` (n8n-nodes-base.webhook: its `path` parameter).
	 */
	webhookUrl(webhookPath: string): string {
		return `${this.baseUrl}/webhook/${webhookPath.replace(/^\//, '')}`;
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	static async start(options: N8nStartOptions = {}): Promise<N8nInstance> {
		const install = ensureN8nInstalled();
		const keepUserFolder = options.userFolder !== undefined || process.env.E2E_KEEP_N8N === '1';
		const userFolder = options.userFolder ?? mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
		mkdirSync(userFolder, { recursive: true });
		const ownerExists = existsSync(path.join(userFolder, '.n8n', 'database.sqlite'));
		const logFile = path.join(userFolder, 'n8n.log');
		let instance: N8nInstance | undefined;
		try {
			const packages = (options.packages ?? []).map((tgz) => installPackageTarball(userFolder, tgz));
			await options.afterInstall?.(packages, userFolder);
			const port = options.port ?? (await freePort());
			let brokerPort = await freePort();
			while (brokerPort === port) brokerPort = await freePort();
			const env = { ...childEnv(path.dirname(install.nodeBin)), ...n8nEnv(userFolder, port, brokerPort), ...(options.env ?? {}) };
			const child = spawnN8n(install, userFolder, logFile, env);
			instance = new N8nInstance(install, port, userFolder, logFile, packages, child, keepUserFolder, env);
			live.add(instance);
			registerExitHandlers();
			await instance.waitUntilReady(options.startTimeoutMs ?? 180_000);
			if (ownerExists) await instance.rest.login(OWNER.email, OWNER.password);
			else await instance.rest.setupOwner(OWNER);
			return instance;
		} catch (error) {
			const log = instance ? instance.logTail() : '';
			if (instance) await instance.stop();
			else if (!keepUserFolder) rmSync(userFolder, { recursive: true, force: true });
			throw new Error(`n8n did not start: ${(error as Error).message}${log ? `\n--- n8n.log (tail) ---\n${log}` : ''}`);
		}
	}

	/** Last lines of n8n's log (stdout + stderr). */
	logTail(lines = 60): string {
		try {
			return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
		} catch {
			return '';
		}
	}

	/**
	 * Stops n8n (SIGTERM to its process group, SIGKILL after 15 s) and removes its user folder.
	 * Idempotent: a second call (e.g. the caller's and the signal handler's) waits for the first.
	 */
	stop(): Promise<void> {
		this.stopping ??= this.stopOnce().finally(() => live.delete(this));
		return this.stopping;
	}

	private stopping?: Promise<void>;

	private async stopOnce(): Promise<void> {
		await this.terminate();
		if (this.keepUserFolder) {
			if (process.env.E2E_KEEP_N8N === '1') process.stderr.write(`[n8n-instance] kept ${this.userFolder}\n`);
		} else {
			rmSync(this.userFolder, { recursive: true, force: true });
		}
	}

	private async terminate(): Promise<void> {
		if (this.child.exitCode === null && this.child.signalCode === null) {
			killGroup(this.child.pid, 'SIGTERM');
			const killed = await Promise.race([this.exited.then(() => true), sleep(15_000).then(() => false)]);
			if (!killed) {
				killGroup(this.child.pid, 'SIGKILL');
				await this.exited;
			}
		}
		killGroup(this.child.pid, 'SIGKILL'); // leftover task runners in the group, if any
	}

	private async waitUntilReady(timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.child.exitCode !== null || this.child.signalCode !== null) {
				throw new Error(`n8n exited early (${this.child.exitCode ?? this.child.signalCode})`);
			}
			try {
				// 1.x answers readiness once the database is migrated, before /rest is served.
				const ready = await fetch(`${this.baseUrl}/healthz/readiness`);
				if (ready.ok && (await fetch(`${this.baseUrl}/rest/settings`)).ok) return;
			} catch {
				// not listening yet
			}
			await sleep(500);
		}
		throw new Error(`n8n not ready after ${timeoutMs} ms`);
	}
}

function spawnN8n(install: N8nInstall, userFolder: string, logFile: string, env: NodeJS.ProcessEnv): ChildProcess {
	const logFd = openSync(logFile, 'a');
	const child = spawn(install.nodeBin, [install.n8nBin, 'start'], {
		cwd: userFolder,
		env,
		detached: true, // own process group: stop() kills n8n and its task runners together
		stdio: ['ignore', logFd, logFd],
	});
	closeSync(logFd);
	return child;
}

/** The settings that make n8n local, offline and disposable. */
export function n8nEnv(userFolder: string, port: number, brokerPort: number): Record<string, string> {
	return {
		N8N_USER_FOLDER: userFolder,
		HOME: userFolder, // npm cache/config of installs n8n runs, and nothing in the real home
		DB_TYPE: 'sqlite',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		// no calls home
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false', // else the editor's node list queries n8n's Strapi
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		// 2.x's mcp-registry fetches api.n8n.io/api/mcp-servers at start; 1.x has no such
		// module and refuses to start on an unknown name.
		...(N8N_VERSION.startsWith('1.') ? {} : { N8N_DISABLED_MODULES: 'mcp-registry' }),
		// quiet and quick
		N8N_LOG_LEVEL: process.env.E2E_N8N_LOG_LEVEL ?? 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
	};
}

let handlersRegistered = false;
function registerExitHandlers(): void {
	if (handlersRegistered) return;
	handlersRegistered = true;
	process.on('exit', () => {
		for (const instance of live) {
			const pid = instance.pid;
			if (pid !== undefined) {
				try {
					process.kill(-pid, 'SIGKILL');
				} catch {
					// gone
				}
			}
			if (!instance.keepUserFolder) rmSync(instance.userFolder, { recursive: true, force: true });
		}
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			void stopAllInstances().finally(() => process.exit(130));
		});
	}
}

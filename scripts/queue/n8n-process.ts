/**
 * One n8n process of a queue-mode deployment (`n8n start`, `n8n webhook` or `n8n worker`),
 * started under the pinned Node 24 in its own process group, its output appended to
 * `<userFolder>/n8n.log`.
 *
 *   const worker = await N8nProcess.start({ name: 'worker-1', role: 'worker', userFolder, env, readyUrl });
 *   worker.kill('SIGKILL');            // the process itself, by pid (a crash), and what it forked
 *   await worker.restart(env, readyUrl);
 *   await worker.stop();               // SIGTERM to the group, SIGKILL after a grace period
 *
 * Every live process is also killed (SIGKILL, by pid and process group) when this Node
 * process exits, whatever the reason, and on SIGINT/SIGTERM/SIGHUP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { N8nInstall } from '../kit/n8n-install';
import { descendants, groupMembers, isAlive, sleep, tryKill } from '../kit/processes';
import { QUEUE_COMMANDS, type QueueProcessRole } from './queue-env';
import { stopAll as stopServices } from './services';

export interface N8nProcessSpec {
	/** main, webhook, worker-1, worker-2 */
	name: string;
	role: QueueProcessRole;
	install: N8nInstall;
	userFolder: string;
	env: NodeJS.ProcessEnv;
	/** Polled until it answers 2xx. */
	readyUrl: string;
	/** A log line that must also have appeared (since this start) before the process counts as ready. */
	readyLine?: RegExp;
	concurrency?: number;
	startTimeoutMs?: number;
}

const live = new Set<N8nProcess>();

export class N8nProcess {
	readonly logFile: string;
	private child!: ChildProcess;
	private exited!: Promise<void>;
	/** Byte offset of the log where the current start began. */
	private logStart = 0;
	/** Every pid this process ever had (restarts included). */
	readonly pidHistory: number[] = [];

	private constructor(private spec: N8nProcessSpec) {
		this.logFile = path.join(spec.userFolder, 'n8n.log');
	}

	get name(): string {
		return this.spec.name;
	}

	get role(): QueueProcessRole {
		return this.spec.role;
	}

	get pid(): number {
		return this.child.pid as number;
	}

	get running(): boolean {
		return this.child.exitCode === null && this.child.signalCode === null;
	}

	static async start(spec: N8nProcessSpec): Promise<N8nProcess> {
		const p = new N8nProcess(spec);
		live.add(p);
		registerExitHandlers();
		p.spawn();
		await p.waitUntilReady();
		return p;
	}

	/** Starts the process again (same user folder and log) with new settings, e.g. other ports. */
	async restart(env: NodeJS.ProcessEnv, readyUrl: string): Promise<void> {
		if (this.running) throw new Error(`${this.name} is still running (pid ${this.pid})`);
		this.spec = { ...this.spec, env, readyUrl };
		live.add(this);
		this.spawn();
		await this.waitUntilReady();
	}

	private spawn(): void {
		const { install, role, userFolder, env } = this.spec;
		const args = role === 'worker' ? QUEUE_COMMANDS.worker(this.spec.concurrency) : QUEUE_COMMANDS[role]();
		try {
			this.logStart = readFileSync(this.logFile).length;
		} catch {
			this.logStart = 0;
		}
		appendFileSync(this.logFile, `\n===== [queue-e2e] ${new Date().toISOString()} starting ${this.name}: n8n ${args.join(' ')}\n`);
		const fd = openSync(this.logFile, 'a');
		try {
			this.child = spawn(install.nodeBin, [install.n8nBin, ...args], {
				cwd: userFolder,
				env,
				detached: true, // own process group: the task runner it forks goes with it
				stdio: ['ignore', fd, fd],
			});
		} finally {
			closeSync(fd);
		}
		const child = this.child;
		this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
		if (child.pid !== undefined) this.pidHistory.push(child.pid);
	}

	private async waitUntilReady(): Promise<void> {
		const timeoutMs = this.spec.startTimeoutMs ?? 180_000;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (!this.running) throw new Error(`${this.name} exited early (${this.child.exitCode ?? this.child.signalCode})\n${this.logTail(40)}`);
			let ok = false;
			try {
				ok = (await fetch(this.spec.readyUrl, { signal: AbortSignal.timeout(2000) })).ok;
			} catch {
				// not listening yet
			}
			if (ok && (!this.spec.readyLine || this.spec.readyLine.test(this.logSinceStart()))) return;
			if (Date.now() > deadline) throw new Error(`${this.name} not ready after ${timeoutMs} ms\n${this.logTail(40)}`);
			await sleep(300);
		}
	}

	/** The whole log (every start of this process). */
	log(): string {
		try {
			return readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}

	logSinceStart(): string {
		try {
			return readFileSync(this.logFile).subarray(this.logStart).toString('utf8');
		} catch {
			return '';
		}
	}

	logTail(lines = 60): string {
		return this.log().split('\n').slice(-lines).join('\n');
	}

	/**
	 * Sends `signal` to the process itself, by pid. With SIGKILL (a crash) whatever it had forked
	 * (the task runner) is killed right after, by pid, so nothing outlives it.
	 */
	kill(signal: NodeJS.Signals): number[] {
		const pid = this.pid;
		const forked = descendants(pid);
		try {
			process.kill(pid, signal);
		} catch {
			// gone
		}
		if (signal === 'SIGKILL') for (const p of forked) tryKill(p, 'SIGKILL');
		return forked;
	}

	async waitForExit(timeoutMs: number): Promise<boolean> {
		if (!this.running) return true;
		return await Promise.race([this.exited.then(() => true), sleep(timeoutMs).then(() => false)]);
	}

	/**
	 * SIGTERM to n8n itself (it stops its task runner), SIGKILL to the group after `graceMs`;
	 * then SIGKILL by pid whatever it forked.
	 */
	async stop(graceMs = 20_000): Promise<void> {
		if (this.running) {
			const forked = descendants(this.pid);
			tryKill(this.pid, 'SIGTERM');
			if (!(await this.waitForExit(graceMs))) {
				tryKill(-this.pid, 'SIGKILL');
				await this.waitForExit(5000);
			}
			for (const p of [...forked, ...descendants(this.pid)]) tryKill(p, 'SIGKILL');
		}
		this.killNow();
		live.delete(this);
	}

	/** Synchronous SIGKILL of every pid it ever had, their groups and known descendants. */
	killNow(): void {
		for (const pid of this.pidHistory) {
			for (const p of descendants(pid)) tryKill(p, 'SIGKILL');
			tryKill(-pid, 'SIGKILL');
			tryKill(pid, 'SIGKILL');
		}
	}

	/** Pids of this process and its descendants that are still alive. */
	alivePids(): number[] {
		return this.pidHistory.flatMap((pid) => (isAlive(pid) ? [pid, ...descendants(pid)] : groupMembers(pid)));
	}
}

/** Synchronously kills every n8n process started here (for exit paths). */
export function killAllN8nNow(): void {
	for (const p of live) p.killNow();
}

/** Stops workers first, then webhook processes, then main (the way a deployment is drained). */
export async function stopAllN8n(): Promise<void> {
	const order = ['worker', 'webhook', 'main'] as const;
	for (const role of order) await Promise.allSettled([...live].filter((p) => p.role === role).map(async (p) => await p.stop()));
	await Promise.allSettled([...live].map(async (p) => await p.stop()));
}

let registered = false;
function registerExitHandlers(): void {
	if (registered) return;
	registered = true;
	process.on('exit', killAllN8nNow);
	const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		// Kill n8n at once (by pid), then PostgreSQL/Redis (services/), then exit.
		process.once(signal, () => {
			process.stderr.write(`[queue-e2e] ${signal}: killing n8n processes, stopping services\n`);
			killAllN8nNow();
			setTimeout(() => process.exit(codes[signal]), 25_000).unref();
			void stopServices().finally(() => process.exit(codes[signal]));
		});
	}
}

/**
 * A server's life: started on a free port (again on another when the port was taken between
 * our probe and its bind), stopped by a gentle signal, then SIGSTOP and SIGKILL by pid for
 * whatever is left of it — its descendants and any process working in its run folder
 * (PostgreSQL's backends call setsid(), so a process group is not enough) — until none is
 * alive. The same on a failed start, on exit and on SIGINT/SIGTERM/SIGHUP.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { descendants, freePort, killGroup, pidsWorkingIn, processTable, readProcStat, sleep, tryKill } from '../../kit/processes';
import { log, tail, transient } from './commands';
import { recordOwner, removeRunDir, sweepStaleRuns } from './run-folders';

export interface LiveService {
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
export async function startWithFreePort(name: string, runDir: string, logFile: string, timeoutMs: number, spec: StartSpec): Promise<LiveService> {
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
	const root = table.get(rootPid);
	const found = new Set(root && (rootStart === undefined || root.startTime === rootStart) ? [rootPid, ...descendants(rootPid, table)] : []);
	for (const pid of pidsWorkingIn(runDir, table)) found.add(pid);
	return [...found].sort((x, y) => x - y);
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
		tryKill(pid, gentle);
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
	tryKill(pid, 'SIGSTOP');
	const all = pids();
	killGroup(pid, 'SIGKILL');
	for (const p of all) tryKill(p, 'SIGKILL');
}

let handlersRegistered = false;
export function registerExitHandlers(): void {
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

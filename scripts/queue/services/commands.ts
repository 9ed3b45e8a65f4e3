/** Running the servers and their helpers (initdb, psql, pg_isready, apt-get) in process groups of their own. */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { killGroup } from '../../kit/processes';
import { registerExitHandlers } from './lifecycle';

const LOG_PREFIX = '[queue-services]';

/** Short-lived helpers still running (killed with the services on exit). */
export const transient = new Set<ChildProcess>();

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
export async function runCommand(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
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

export function spawnServer(cmd: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; uid?: number; gid?: number }): ChildProcess {
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
export function serverEnv(home?: string): NodeJS.ProcessEnv {
	return {
		PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
		LANG: 'C.UTF-8',
		LC_ALL: 'C.UTF-8',
		TZ: 'UTC',
		...(home ? { HOME: home } : { HOME: process.env.HOME ?? '/' }),
	};
}

export function tail(file: string, lines = 60): string {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n').trim();
	} catch {
		return '';
	}
}

export function log(message: string): void {
	process.stderr.write(`${LOG_PREFIX} ${message}\n`);
}

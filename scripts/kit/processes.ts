/**
 * Processes, signals and ports for the real-n8n scripts: everything they start runs in its own
 * process group and is stopped by pid, never by name.
 */
import net from 'node:net';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A port nothing listens on at the moment of asking (loopback). */
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

/** Signals `pid` (a negative pid: its process group); a process already gone is no error. */
export function tryKill(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(pid, signal);
	} catch {
		// gone
	}
}

/** Signals the process group led by `pid` (its leader once: a second SIGTERM would cut n8n's graceful shutdown short). */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (pid !== undefined) tryKill(-pid, signal);
}

export interface ProcStat {
	pid: number;
	state: string;
	ppid: number;
	pgrp: number;
	/** Clock ticks since boot: tells a process from a later one that got the same pid. */
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
export function processTable(): Map<number, ProcStat> {
	const table = new Map<number, ProcStat>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = readProcStat(Number(entry));
		if (stat && stat.state !== 'Z' && stat.state !== 'X') table.set(stat.pid, stat);
	}
	return table;
}

/** Whether `pid` is a live (non-zombie) process, optionally the same one as when its start time was read. */
export function isAlive(pid: number, startTime?: string): boolean {
	const stat = readProcStat(pid);
	if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
	return startTime === undefined || stat.startTime === startTime;
}

/** Live processes whose parent chain leads to `root` (not `root` itself). */
export function descendants(root: number, table = processTable()): number[] {
	const found: number[] = [];
	const queue = [root];
	while (queue.length) {
		const parent = queue.shift() as number;
		for (const stat of table.values()) {
			if (stat.ppid === parent && !found.includes(stat.pid)) {
				found.push(stat.pid);
				queue.push(stat.pid);
			}
		}
	}
	return found;
}

/** Live processes of process group `pgid` (orphans keep their group when its leader dies). */
export function groupMembers(pgid: number): number[] {
	return [...processTable().values()].filter((stat) => stat.pgrp === pgid).map((stat) => stat.pid);
}

function processCwd(pid: number): string {
	try {
		return readlinkSync(`/proc/${pid}/cwd`);
	} catch {
		return '';
	}
}

export function isInside(file: string, dir: string): boolean {
	return file !== '' && (file === dir || file.startsWith(dir + path.sep));
}

/** Live processes whose working directory is inside `dir`. */
export function pidsWorkingIn(dir: string, table = processTable()): number[] {
	return [...table.keys()].filter((pid) => isInside(processCwd(pid), dir));
}

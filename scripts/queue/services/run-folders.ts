/**
 * Each server's run folder, `.cache/queue-e2e/<random>` (QUEUE_E2E_DIR overrides the parent),
 * removed on stop (QUEUE_E2E_KEEP=1 keeps it). A run that was SIGKILLed leaves its folder with
 * an owner.json that the next start sweeps: kills its processes by pid, checking start time /
 * working directory first, and deletes the folder.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive, pidsWorkingIn, readProcStat } from '../../kit/processes';
import { log } from './commands';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const DEFAULT_BASE_DIR = path.join(REPO_ROOT, '.cache', 'queue-e2e');
const OWNER_FILE = 'owner.json';

function baseDir(): string {
	return process.env.QUEUE_E2E_DIR ?? DEFAULT_BASE_DIR;
}

/** A fresh `<base>/<random>` folder; if `runAs` must reach it but can't, one under os.tmpdir(). */
export function makeRunDir(kind: string, runAs?: { uid: number; gid: number }): string {
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

export function removeRunDir(runDir: string): void {
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

export function recordOwner(runDir: string, serverPid: number): void {
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
					if (record === 'young' || (record && isAlive(record.ownerPid, record.ownerStart))) continue;
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
			if (isAlive(server.pid, server.start) && !victims.includes(server.pid)) victims.push(server.pid);
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

/**
 * Debian's `postgresql` and `redis-server`, installed with apt-get when their binaries are
 * missing (apt-get update once, then one install; the packages' services kept from starting).
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { log, runCommand } from './commands';
import type { InstallReport, PgBinaries } from './types';

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
	if (ownPolicy) writeFileSync(policy, '#!/bin/sh\n# written by scripts/queue/services/packages.ts during apt-get install\nexit 101\n', { mode: 0o755 });
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

/**
 * Our package as a user gets it: built, packed by `npm pack`, and, once n8n's installer
 * has put it in an n8n user folder, loaded the way n8n loads community packages.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { InstalledPackage } from './community-package';
import { childEnv, type N8nInstall } from './n8n-install';
import { makeTempDir } from './temp-dirs';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** `npm run build`, then `npm pack` into a fresh temp folder (.npmrc skips prepack), removed on exit. */
export function buildAndPack(): { tgz: string; dir: string } {
	execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
	const dir = makeTempDir('apixo-e2e-pack-');
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
		cwd: REPO_ROOT,
		env: childEnv(),
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [packed] = JSON.parse(out) as Array<{ filename: string; files: unknown[] }>;
	const tgz = path.join(dir, packed.filename);
	if (!existsSync(tgz)) throw new Error(`npm pack reported ${packed.filename} but wrote no such file`);
	return { tgz, dir };
}

export interface LoadReport {
	/** Node and credential type names the package's classes declare. */
	types: string[];
	/** Where each bare import of the package resolved (module name → package folder). */
	resolved: Record<string, string>;
}

/**
 * Every file the package's `n8n` section lists exists, and requiring it under n8n's Node
 * with the NODE_PATH n8n sets (load-nodes-and-credentials: its module.paths) gives the
 * class n8n will instantiate. Only the n8n install's own folders go on NODE_PATH: the
 * install lives under this repo, whose node_modules must not stand in for n8n's.
 */
export function verifyInstalledPackage(pkg: InstalledPackage, install: N8nInstall): LoadReport {
	const manifest = JSON.parse(readFileSync(path.join(pkg.dir, 'package.json'), 'utf8')) as {
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	const files = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	if (!manifest.n8n?.nodes?.length) throw new Error('package.json lists no n8n nodes');
	const missing = files.filter((file) => !existsSync(path.join(pkg.dir, file)));
	if (missing.length) throw new Error(`the tarball lacks files its package.json lists: ${missing.join(', ')}`);

	const loader = path.join(install.n8nDir, 'node_modules', 'n8n', 'dist', 'load-nodes-and-credentials.js');
	const n8nPaths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })
		._nodeModulePaths(path.dirname(loader))
		.filter((dir) => dir.startsWith(install.n8nDir + path.sep));
	const script = `
		const path = require('node:path');
		const out = { types: [], resolved: {} };
		for (const file of JSON.parse(process.argv[1])) {
			const abs = path.join(process.argv[2], file);
			const className = path.basename(file).replace(/\\.(node|credentials)\\.js$/, '');
			const Exported = require(abs)[className];
			if (typeof Exported !== 'function') throw new Error(file + ' does not export class ' + className);
			const instance = new Exported();
			out.types.push(instance.description ? instance.description.name : instance.name);
		}
		for (const key of Object.keys(require.cache)) {
			const m = /^(.*\\/node_modules\\/((?:@[^/]+\\/)?[^/]+))\\//.exec(key);
			if (m && !key.startsWith(process.argv[2] + path.sep)) out.resolved[m[2]] = m[1];
		}
		process.stdout.write(JSON.stringify(out));`;
	const child = spawnSync(install.nodeBin, ['-e', script, JSON.stringify(files), pkg.dir], {
		cwd: os.tmpdir(),
		env: { ...childEnv(), NODE_PATH: n8nPaths.join(path.delimiter) },
		encoding: 'utf8',
	});
	if (child.status !== 0) {
		const reason = child.stderr.split('\n').find((line) => /Error/.test(line)) ?? child.stderr.trim();
		const requiredBy = /Require stack:\n- (.*)/.exec(child.stderr)?.[1];
		const where = requiredBy ? ` (required by ${path.relative(pkg.dir, requiredBy)})` : '';
		throw new Error(`the installed package does not load in n8n's Node: ${reason}${where}`);
	}
	const report = JSON.parse(child.stdout) as LoadReport;
	// Node reports real paths; the install may sit behind a link (a .cache shared between checkouts).
	const n8nRoot = realpathSync(install.n8nDir);
	for (const [name, dir] of Object.entries(report.resolved)) {
		if (!dir.startsWith(n8nRoot + path.sep)) throw new Error(`${name} resolved outside n8n: ${dir}`);
		report.resolved[name] = install.n8nDir + dir.slice(n8nRoot.length);
	}
	return report;
}

/**
 * Installs an `npm pack` tarball into an n8n user folder exactly as n8n 2.40.7's
 * community-package installer does it (CommunityPackagesService.downloadPackage in
 * packages/cli/src/modules/community-packages/community-packages.service.ts),
 * except that the tarball comes from disk instead of `npm pack <name>@<version>`:
 *
 *   1. <N8N_USER_FOLDER>/.n8n/nodes/package.json: {"name":"installed-nodes","private":true,"dependencies":{}}
 *   2. untar into .n8n/nodes/node_modules/<name> (--strip-components=1)
 *   3. drop devDependencies, peerDependencies, optionalDependencies from its package.json
 *   4. `npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow
 *       --ignore-scripts=true --package-lock=false` inside that folder
 *   5. record "<name>": "<version>" in .n8n/nodes/package.json
 *
 * At start n8n's community-packages module scans .n8n/nodes/node_modules and loads
 * every n8n package there (no database record needed), so call this before start.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { childEnv } from './n8n-install';

export interface InstalledPackage {
	name: string;
	version: string;
	dir: string;
}

interface PackageJson {
	name: string;
	version: string;
	dependencies?: Record<string, string>;
	devDependencies?: unknown;
	peerDependencies?: unknown;
	optionalDependencies?: unknown;
	[key: string]: unknown;
}

export const NPM_INSTALL_ARGS = [
	'install',
	'--audit=false',
	'--fund=false',
	'--bin-links=false',
	'--install-strategy=shallow',
	'--ignore-scripts=true',
	'--package-lock=false',
];

export function nodesFolder(userFolder: string): string {
	return path.join(userFolder, '.n8n', 'nodes');
}

export function installPackageTarball(userFolder: string, tgzPath: string): InstalledPackage {
	const tarball = path.resolve(tgzPath);
	if (!existsSync(tarball)) throw new Error(`no tarball at ${tarball}`);
	const downloadFolder = nodesFolder(userFolder);
	const ledgerPath = path.join(downloadFolder, 'package.json');
	mkdirSync(downloadFolder, { recursive: true });
	if (!existsSync(ledgerPath)) {
		writeJson(ledgerPath, { name: 'installed-nodes', private: true, dependencies: {} });
	}

	const { name, version } = JSON.parse(
		execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
	) as PackageJson;
	const dir = path.join(downloadFolder, 'node_modules', name);
	if (path.relative(path.join(downloadFolder, 'node_modules'), dir).split(path.sep).join('/') !== name) {
		throw new Error(`invalid package name ${name}`);
	}
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);

	const pkgJsonPath = path.join(dir, 'package.json');
	const {
		devDependencies: _dev,
		peerDependencies: _peer,
		optionalDependencies: _optional,
		...stripped
	} = readJson(pkgJsonPath);
	writeJson(pkgJsonPath, stripped);

	execFileSync('npm', NPM_INSTALL_ARGS, { cwd: dir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });

	const ledger = readJson(ledgerPath);
	ledger.dependencies = { ...(ledger.dependencies ?? {}), [name]: version };
	writeJson(ledgerPath, ledger);
	return { name, version, dir };
}

function readJson(file: string): PackageJson {
	return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
}

function writeJson(file: string, value: unknown): void {
	writeFileSync(file, JSON.stringify(value, null, 2), 'utf8');
}

/**
 * Where the pinned n8n and its Node 24 live, installing them on first use
 * (scripts/kit/install-n8n.sh does the work and is a no-op when complete).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface N8nInstall {
	/** Node 24 binary that runs n8n. */
	nodeBin: string;
	/** Node 24 headers folder (for native rebuilds). */
	nodedir: string;
	/** Prefix holding node_modules/n8n. */
	n8nDir: string;
	/** n8n's CLI entry (run as `nodeBin n8nBin start`). */
	n8nBin: string;
	n8nVersion: string;
}

export const N8N_VERSION = process.env.N8N_VERSION ?? '2.40.7';
const INSTALL_SCRIPT = path.join(__dirname, 'install-n8n.sh');

let cached: N8nInstall | undefined;

/** Runs install-n8n.sh (progress goes to stderr) and returns the installed paths. */
export function ensureN8nInstalled(): N8nInstall {
	if (cached) return cached;
	const result = spawnSync('bash', [INSTALL_SCRIPT], {
		env: { ...childEnv(), N8N_VERSION },
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
	});
	if (result.status !== 0) {
		throw new Error(`install-n8n.sh failed (exit ${result.status ?? result.signal})`);
	}
	const values = Object.fromEntries(
		result.stdout
			.split('\n')
			.map((line) => line.match(/^([A-Z0-9_]+)=(.*)$/))
			.filter((m): m is RegExpMatchArray => m !== null)
			.map((m) => [m[1], m[2]]),
	);
	for (const key of ['NODE_BIN', 'NODEDIR', 'N8N_DIR', 'N8N_BIN']) {
		if (!values[key]) throw new Error(`install-n8n.sh did not report ${key}`);
	}
	cached = {
		nodeBin: values.NODE_BIN,
		nodedir: values.NODEDIR,
		n8nDir: values.N8N_DIR,
		n8nBin: values.N8N_BIN,
		n8nVersion: N8N_VERSION,
	};
	return cached;
}

/**
 * The environment for child processes: ours minus what `npm run` / ts-node / jest
 * inject (npm_* config such as the project's ignore-scripts, NODE_OPTIONS hooks),
 * and minus any N8N_/DB_ settings from the developer's shell.
 */
export function childEnv(extraPath?: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^(npm_|NODE_OPTIONS$|NODE_PATH$|N8N_|DB_|WEBHOOK_URL$|EXECUTIONS_)/i.test(key)) continue;
		env[key] = value;
	}
	if (extraPath) env.PATH = `${extraPath}${path.delimiter}${env.PATH ?? ''}`;
	return env;
}

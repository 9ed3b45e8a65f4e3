/**
 * `npm run dev`: the pinned n8n (the e2e's, N8N_VERSION to change it) on loopback with this
 * package installed from the working tree, the fake APIXO server, an APIXO credential pointing
 * at it and the example workflows imported. Prints the editor URL and the login.
 *
 * A change under nodes/ or credentials/ rebuilds and repacks the package, installs it the way
 * n8n's installer does and restarts n8n on the same database (workflows and credential stay).
 * A build that fails leaves the running n8n as it was. Ctrl+C (SIGINT) or SIGTERM stops n8n by
 * process id, closes the fake and removes the temp folders.
 *
 * Env: DEV_PORT (5678) the editor's port; DEV_TASK_SECONDS (8) how long the fake renders.
 */
import { randomBytes } from 'node:crypto';
import { type FSWatcher, mkdirSync, readdirSync, watch } from 'node:fs';
import path from 'node:path';
import { startFakeApixo, type FakeApixo } from '../../test/fake-apixo';
import { type Environment, prepareExample } from '../e2e/examples';
import { ensureN8nInstalled } from '../kit/n8n-install';
import { N8nInstance, OWNER, stopAllInstances } from '../e2e/n8n-instance';
import { buildAndPack, REPO_ROOT } from '../kit/package-under-test';
import { makeTempDir } from '../kit/temp-dirs';

const PORT = Number(process.env.DEV_PORT ?? 5678);
const TASK_MS = Number(process.env.DEV_TASK_SECONDS ?? 8) * 1000;
const WATCHED = ['nodes', 'credentials'];
/** Saves in an editor come in bursts of file events: rebuild once they settle. */
const SETTLE_MS = 400;

const apiKey = `dev-${randomBytes(12).toString('hex')}`;
const userFolder = makeTempDir('n8n-dev-');
// n8n encrypts credentials with this key: the same one for every restart of this session.
const n8nEnv = { N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'), N8N_SSRF_PROTECTION_ENABLED: 'false' };
const watchers: FSWatcher[] = [];
let fake: FakeApixo | undefined;
let n8n: N8nInstance | undefined;
let stopping = false;

function log(message: string): void {
	console.log(`[dev] ${message}`);
}

/** Builds and packs the working tree. */
function pack(): string {
	return buildAndPack().tgz;
}

async function startN8n(tgz: string): Promise<N8nInstance> {
	const started = Date.now();
	const instance = await N8nInstance.start({
		packages: [tgz],
		userFolder,
		port: PORT,
		env: n8nEnv,
		// Read/Write Files writes only inside ~/.n8n-files (HOME is the user folder).
		afterInstall: () => {
			mkdirSync(path.join(userFolder, '.n8n-files', 'apixo-videos'), { recursive: true });
		},
	});
	log(`n8n ${instance.install.n8nVersion} up in ${((Date.now() - started) / 1000).toFixed(1)}s (pid ${instance.pid})`);
	return instance;
}

/** The credential and the examples, once: later restarts keep them in n8n's database. */
async function seed(instance: N8nInstance, fakeUrl: string): Promise<string[]> {
	const credential = await instance.rest.createCredential('apixoApi', { apiKey, baseUrl: fakeUrl }, 'APIXO API (fake, dev)');
	const filesDir = path.join(userFolder, '.n8n-files');
	const env: Environment = { credential, filesDir, outDir: path.join(filesDir, 'apixo-videos'), klingOptions: {} };
	const names: string[] = [];
	for (const file of readdirSync(path.join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.json')).sort()) {
		names.push((await instance.rest.importWorkflow(prepareExample(file, env))).name);
	}
	return names;
}

/**
 * One watcher per folder, not `recursive`: Node 20's recursive watch on Linux follows file
 * inodes and goes deaf to a file an editor saved by writing a new one and renaming it over.
 * Called again after each rebuild, for folders added since.
 */
function watchSources(): void {
	for (const watcher of watchers.splice(0)) watcher.close();
	const folders = WATCHED.flatMap((dir) => [dir, ...readdirSync(path.join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.map((entry) => path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)))]);
	for (const folder of folders) {
		watchers.push(watch(path.join(REPO_ROOT, folder), (_, file) => scheduleRebuild(path.join(folder, String(file)))));
	}
}

let rebuildTimer: NodeJS.Timeout | undefined;
let rebuilding: Promise<void> = Promise.resolve();

function scheduleRebuild(changed: string): void {
	clearTimeout(rebuildTimer);
	rebuildTimer = setTimeout(() => {
		rebuilding = rebuilding.then(async () => await rebuild(changed));
	}, SETTLE_MS);
}

async function rebuild(changed: string): Promise<void> {
	if (stopping) return;
	log(`${changed} changed: rebuilding`);
	watchSources();
	let tgz: string;
	try {
		tgz = pack();
	} catch (error) {
		log(`build failed, n8n keeps the previous build: ${(error as Error).message.split('\n')[0]}`);
		return;
	}
	await n8n?.stop();
	if (stopping) return;
	n8n = await startN8n(tgz);
	log(`restarted with the new build: ${n8n.baseUrl}`);
}

async function shutDown(signal: string, exitCode = 0): Promise<void> {
	if (stopping) return;
	stopping = true;
	log(`${signal}: stopping n8n and the fake APIXO server`);
	clearTimeout(rebuildTimer);
	for (const watcher of watchers) watcher.close();
	await Promise.allSettled([stopAllInstances(), fake?.close()]);
	log('stopped');
	process.exit(exitCode);
}

async function main(): Promise<void> {
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutDown(signal));

	ensureN8nInstalled();
	log('building and packing the package');
	const tgz = pack();
	fake = await startFakeApixo({ apiKey, taskDurationMs: TASK_MS });
	n8n = await startN8n(tgz);
	const workflows = await seed(n8n, fake.baseUrl);

	watchSources();
	console.log(`
  n8n ${n8n.install.n8nVersion} with n8n-nodes-apixo from ${REPO_ROOT}

  Editor:      ${n8n.baseUrl}/
  Login:       ${OWNER.email} / ${OWNER.password}
  Credential:  "APIXO API (fake, dev)" → the fake APIXO server at ${fake.baseUrl} (renders in ${TASK_MS / 1000} s, costs nothing)
  Workflows:   ${workflows.join('; ')}
  n8n's log:   ${n8n.logFile}

  Editing ${WATCHED.join('/ or ')}/ rebuilds the package and restarts n8n. Ctrl+C stops everything.
`);
}

main().catch(async (error: unknown) => {
	console.error(`[dev] ${(error as Error).stack ?? String(error)}`);
	await shutDown('error', 1);
});

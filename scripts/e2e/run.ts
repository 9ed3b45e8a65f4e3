/**
 * `npm run e2e`: our package in a real, pinned n8n (2.40.7 under Node 24), against the
 * fake APIXO server on loopback, driving the example workflows users import.
 * `N8N_VERSION=1.123.81 npm run e2e` runs the same on the 1.x line (.ci/run does both).
 *
 *   1. n8n installed (cached in .cache/), our package built, packed by `npm pack`, installed
 *      the way n8n's community-package installer does, and loaded with n8n's NODE_PATH:
 *      a missing file or an import n8n cannot resolve (zod) fails here, first.
 *   2. n8n started (loopback, SQLite, no outside calls); our node types in /types/nodes.json;
 *      the apixoApi credential created and tested over REST.
 *   3. The examples, changed only where the environment needs it (examples.ts), run over
 *      n8n's REST API: text-to-video polling, image-to-video, the callback pair (callbacks
 *      delivered twice), resume mode, and a task failing with CONTENT_VIOLATION.
 *
 * One line per check (PASS/FAIL with figures), then `<n> passed, <m> failed`; exit 1 on
 * any failure. Everything started here is stopped by process id, also on SIGINT/SIGTERM.
 * Env: E2E_KEEP_N8N=1 keeps n8n's folder (log, database, written videos); E2E_ONLY=<regex> runs
 * only the scenarios of the first list whose names match (with E2E_SKIP_FIELD=1: nothing else).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startFakeApixo, type FakeApixo } from '../../test/fake-apixo';
import type { Environment } from './examples';
import { ensureN8nInstalled } from '../kit/n8n-install';
import { N8nInstance, stopAllInstances } from './n8n-instance';
import { buildAndPack, verifyInstalledPackage, type LoadReport } from '../kit/package-under-test';
import { fetchesSignedMedia, formUploadImageToVideo, motionControlFromFiles } from './scenarios-binary';
import { callbackPair, resumeMode, weakTokenRefused } from './scenarios-callback';
import {
	callbacksInReverse,
	callbacksNeverCome,
	largeResumeBatch,
	markedRenderMs,
	NEVER_MARK,
	restartWhileWaiting,
	retryOnFail,
} from './scenarios-field';
import { mcpClientTools } from './scenarios-mcp';
import { failingTask, FAIL_MARK, imageToVideoPoll, textToVideoPoll, type Figures } from './scenarios-poll';
import { assert, CheckFailed, seconds, type ScenarioContext } from './scenario-kit';

const NODE_TYPES = ['n8n-nodes-apixo.apixoKling', 'n8n-nodes-apixo.apixoKlingTool', 'n8n-nodes-apixo.apixoTrigger'];
/** Render time of every fake task; the Kling nodes poll at 1 s, then every 0.5 s. */
const TASK_DURATION_MS = 3000;
const KLING_OPTIONS = { firstPollDelay: 1, pollInterval: 0.5 };

type Scenario = (ctx: ScenarioContext, fig: Figures) => Promise<void>;
const WEAK_TOKEN = 'APIXO Trigger activation refuses a short Secret Token';
const SCENARIOS: Array<[string, Scenario]> = process.env.E2E_FIELD_ONLY ? [] : ([
	['(a) text-to-video, poll (scheduled-social-video.json)', textToVideoPoll],
	['image-to-video, poll (image-to-video.json)', imageToVideoPoll],
	['(b) callback pair, callbacks sent twice (callback-submit/receive.json)', callbackPair],
	['(c) resume mode (resume-mode.json)', resumeMode],
	['(d) failing task: CONTENT_VIOLATION (image-to-video.json, 2 photos)', failingTask],
	['(j) binary image from a form upload reaches APIXO via a signed URL (form-image-to-video.json)', formUploadImageToVideo],
	['(k) motion control from binary files (Read/Write Files + Merge) via signed URLs', motionControlFromFiles],
	['(l) MCP client on the MCP Server Trigger with the tools of agent-video-tools.json', mcpClientTools],
] satisfies Array<[string, Scenario]>).filter(([name]) => !process.env.E2E_ONLY || new RegExp(process.env.E2E_ONLY).test(name));
/** Run after the rest: (g) restarts n8n. */
const FIELD_SCENARIOS: Array<[string, Scenario]> = [
	['(e) Resume, 150 rows', largeResumeBatch],
	['(f) Resume, the last-submitted task finishes first', callbacksInReverse],
	['(g) Resume, n8n restarted while waiting, callbacks retried meanwhile', restartWhileWaiting],
	['(h) Resume, callbacks never come: timeout items with task IDs', callbacksNeverCome],
	['(i) Retry On Fail, Max Tries 3', (ctx, fig) => retryOnFail(ctx, fig, FAIL_MARK)],
];

let passed = 0;
let failed = 0;

function line(ok: boolean, name: string, details: string): void {
	if (ok) passed++;
	else failed++;
	console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${details}`);
}

function figuresText(fig: Figures): string {
	return Object.entries(fig)
		.map(([key, value]) => `${key}=${value}`)
		.join(' ');
}

// Everything this process started, for the cleanup on exit, failure or signal.
let n8n: N8nInstance | undefined;
let fake: FakeApixo | undefined;
const tempDirs: string[] = [];

async function cleanUp(): Promise<void> {
	const closing = fake?.close();
	fake = undefined;
	n8n = undefined;
	// Every n8n this process started, one still starting included (killed by process group id).
	await Promise.allSettled([stopAllInstances(), closing]);
	for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		console.log(`\n${signal}: stopping n8n and the fake APIXO server`);
		void cleanUp().finally(() => process.exit(130));
	});
}
process.once('exit', () => {
	for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const startedAt = Date.now();

async function main(): Promise<void> {
	const apiKey = `e2e-${randomBytes(12).toString('hex')}`;

	// 1. n8n, our package, its installation and loading.
	let packageDetails = '';
	let loaded: LoadReport | undefined;
	let loadError: Error | undefined;
	let filesDir = '';
	try {
		const t = Date.now();
		const install = ensureN8nInstalled();
		const installMs = Date.now() - t;
		const packStart = Date.now();
		const packed = buildAndPack();
		tempDirs.push(packed.dir);
		packageDetails = `n8n ${install.n8nVersion} ready in ${seconds(installMs)}; built and packed ${path.basename(packed.tgz)} in ${seconds(Date.now() - packStart)}`;
		fake = await startFakeApixo({
			apiKey,
			taskDurationMs: (input) => markedRenderMs('prompt' in input ? input.prompt : undefined) ?? TASK_DURATION_MS,
			deliverCallbacksTwice: true,
			fetchMedia: fetchesSignedMedia,
			// APIXO's 30 s / 2 min / 10 min, scaled: 2 s, 8 s, 40 s outlast an n8n restart.
			callbackRetryDelayMs: 2000,
			outcome: (input) => {
				const prompt = 'prompt' in input ? input.prompt : undefined;
				if (prompt?.includes(FAIL_MARK)) return { failCode: 'CONTENT_VIOLATION' };
				return prompt?.includes(NEVER_MARK) ? { neverFinishes: true } : undefined;
			},
		});
		const n8nStart = Date.now();
		n8n = await N8nInstance.start({
			packages: [packed.tgz],
			env: {
				// n8n 2.40.7's default, pinned (1.x has no such setting): the node's requests go through n8n's HTTP helpers,
				// which apply SSRF protection only when this is on, and then refuse 127.0.0.0/8
				// (N8N_SSRF_BLOCKED_IP_RANGES' default), where the fake APIXO server listens.
				N8N_SSRF_PROTECTION_ENABLED: 'false',
				// Binary inputs are signed only when stored (1.x keeps them in memory by default).
				N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			},
			afterInstall: ([pkg], userFolder) => {
				try {
					loaded = verifyInstalledPackage(pkg, install);
				} catch (error) {
					loadError = error as Error;
					throw error;
				}
				// Read/Write Files may only write inside N8N_RESTRICT_FILE_ACCESS_TO, by default
				// ~/.n8n-files (HOME is the user folder here), into a folder that exists.
				filesDir = path.join(userFolder, '.n8n-files');
				mkdirSync(path.join(filesDir, 'apixo-videos'), { recursive: true });
			},
		});
		const resolved = ['zod', 'n8n-workflow'].map((name) => `${name} → ${path.relative(install.n8nDir, loaded?.resolved[name] ?? '?')}`);
		line(true, 'package', `${packageDetails}; installed as n8n's installer does; ${loaded?.types.join(', ')} load with n8n's NODE_PATH (${resolved.join(', ')})`);
		console.log(`     n8n up in ${seconds(Date.now() - n8nStart)} at ${n8n.baseUrl} (pid ${n8n.pid}); fake APIXO at ${fake.baseUrl}`);
	} catch (error) {
		line(false, 'package', `${packageDetails ? `${packageDetails}; ` : ''}${(loadError ?? (error as Error)).message}`);
		return skipRest(true, 'the package or n8n did not come up');
	}

	// 2. Node types and the credential.
	let ctx: ScenarioContext;
	try {
		const types = new Set((await n8n.rest.getNodeTypes()).map((type) => type.name));
		const missing = NODE_TYPES.filter((name) => !types.has(name));
		assert(missing.length === 0, `/types/nodes.json lacks ${missing.join(', ')}`);
		const credential = await n8n.rest.createCredential('apixoApi', { apiKey, baseUrl: fake!.baseUrl }, 'APIXO API (e2e)');
		const before = { ...fake!.stats };
		const tested = await n8n.rest.request<{ status: string; message: string }>('POST', '/credentials/test', {
			credentials: { id: credential.id, name: credential.name, type: 'apixoApi', data: { apiKey, baseUrl: fake!.baseUrl } },
		});
		const balanceReads = fake!.stats.balanceReads - before.balanceReads;
		const submits = fake!.stats.submits - before.submits;
		assert(tested.status === 'OK', `credential test: ${JSON.stringify(tested)}`);
		assert(balanceReads === 1 && submits === 0, `credential test made ${balanceReads} balance reads and ${submits} submits`);
		ctx = { n8n, fake: fake!, env: { credential: { id: credential.id, name: credential.name }, filesDir, outDir: path.join(filesDir, 'apixo-videos'), klingOptions: KLING_OPTIONS } satisfies Environment };
		line(true, 'node types + credential', `${NODE_TYPES.join(', ')} in /types/nodes.json; apixoApi credential ${credential.id} created, its test read the balance once, submitted nothing`);
	} catch (error) {
		line(false, 'node types + credential', (error as Error).message);
		return skipRest(false, 'no credential');
	}

	// 3. The example workflows, one after the other; the slow weak-token check alongside.
	const weakToken = settle(ctx, weakTokenRefused);
	for (const [name, scenario] of SCENARIOS) report(name, await settle(ctx, scenario));
	report(WEAK_TOKEN, await weakToken);
	for (const [name, scenario] of FIELD_SCENARIOS) {
		if (!process.env.E2E_SKIP_FIELD) report(name, await settle(ctx, scenario));
	}
	if (failed > 0 && n8n) console.log(`--- n8n.log (tail) ---\n${n8n.logTail(40)}\n---`);
}

async function settle(ctx: ScenarioContext, scenario: Scenario): Promise<{ fig: Figures; error?: unknown }> {
	const fig: Figures = {};
	try {
		await scenario(ctx, fig);
		return { fig };
	} catch (error) {
		return { fig, error };
	}
}

function report(name: string, { fig, error }: { fig: Figures; error?: unknown }): void {
	if (error === undefined) return line(true, name, figuresText(fig));
	const message = error instanceof CheckFailed ? error.message : `${(error as Error).stack ?? String(error)}`;
	line(false, name, `${message}${Object.keys(fig).length ? ` [${figuresText(fig)}]` : ''}`);
}

function skipRest(withTypes: boolean, reason: string): void {
	if (withTypes) line(false, 'node types + credential', `not run: ${reason}`);
	for (const [name] of SCENARIOS) line(false, name, `not run: ${reason}`);
	line(false, WEAK_TOKEN, `not run: ${reason}`);
	for (const [name] of FIELD_SCENARIOS) line(false, name, `not run: ${reason}`);
}

main()
	.catch((error: unknown) => {
		line(false, 'e2e', error instanceof Error ? (error.stack ?? error.message) : String(error));
	})
	.finally(async () => {
		await cleanUp();
		console.log(`e2e took ${seconds(Date.now() - startedAt)} (n8n and the fake APIXO server stopped, temp folders removed)`);
		console.log(`${passed} passed, ${failed} failed`);
		process.exit(failed > 0 || passed === 0 ? 1 : 0);
	});

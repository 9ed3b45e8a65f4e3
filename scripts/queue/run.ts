/**
 * `npm run e2e:queue`: our package in n8n's queue mode — PostgreSQL, Redis, `n8n start`,
 * one `n8n webhook` and two `n8n worker` processes (cluster.ts) — against the fake APIXO
 * server running in this process. Workflows are started through the webhook process's
 * production URLs. Prints one line of figures per scenario, then `N passed, N failed`, writes
 * the same to scripts/queue/last-run.md, and exits non-zero on any failure.
 *
 *   ts-node --transpile-only scripts/queue/run.ts       (builds and packs the package itself)
 *
 * Env: QUEUE_E2E_KEEP=1 keeps the run folder (n8n logs); it is also kept when a check fails.
 * QUEUE_E2E_ONLY=a,c runs only those scenarios; QUEUE_E2E_DEBUG=main,webhook gives those n8n debug logs.
 * Every process started here is stopped by pid: on success, failure, SIGINT/SIGTERM and exit.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeApixo, type FakeApixo } from '../../test/fake-apixo';
import { N8N_VERSION } from '../kit/n8n-install';
import { buildAndPack } from '../kit/package-under-test';
import { type Cluster, startCluster, WORKER_CONCURRENCY } from './cluster';
import { CheckFailed, FAKE_APIXO_SETTINGS, type Figures, type QueueContext, seconds } from './kit';
import { isAlive } from '../kit/processes';
import { pollBatch, resumeTwenty } from './scenarios-poll-resume';
import { mainRestart, saveNothingOnSuccess } from './scenarios-production';
import { triggerCallbacks, workerCrash } from './scenarios-trigger-crash';

interface Scenario {
	id: string;
	title: string;
	run: (ctx: QueueContext, fig: Figures) => Promise<void>;
}

const SCENARIOS: Scenario[] = [
	{ id: 'a', title: '30-item text-to-video batch, polled on a worker', run: pollBatch },
	{ id: 'b', title: '20 resume-mode executions waiting at once', run: resumeTwenty },
	{ id: 'c', title: 'APIXO Trigger callbacks via the webhook process, redelivered via main 1 s later', run: triggerCallbacks },
	{ id: 'd', title: 'worker SIGKILLed while polling a 30-item batch, then restarted', run: workerCrash },
	{ id: 'e', title: 'main restarted while 4 resume-mode batches wait, half their callbacks sent to main while it is down', run: mainRestart },
	// Last: it restarts every n8n process with the setting, which deletes each execution that succeeds.
	{ id: 'f', title: 'EXECUTIONS_DATA_SAVE_ON_SUCCESS=none on every process, 4 resume-mode batches', run: saveNothingOnSuccess },
];

const lines: string[] = [];
const notes: string[] = [];
const timings: Array<[string, number]> = [];
let passed = 0;
let failed = 0;

function out(line: string): void {
	lines.push(line);
	process.stdout.write(`${line}\n`);
}

function log(line: string): void {
	process.stderr.write(`[queue-e2e] ${line}\n`);
}

function formatFigures(fig: Figures): string {
	return Object.entries(fig)
		.map(([k, v]) => `${k} ${v}`)
		.join(', ');
}

async function runScenario(ctx: QueueContext, scenario: Scenario): Promise<void> {
	const fig: Figures = {};
	const started = Date.now();
	try {
		await scenario.run(ctx, fig);
		passed++;
		out(`ok   (${scenario.id}) ${scenario.title}: ${formatFigures(fig)}`);
	} catch (error) {
		failed++;
		const message = error instanceof CheckFailed ? error.message : ((error as Error).stack ?? String(error));
		out(`FAIL (${scenario.id}) ${scenario.title}: ${message}${Object.keys(fig).length ? `\n     figures so far: ${formatFigures(fig)}` : ''}`);
	} finally {
		timings.push([`scenario (${scenario.id})`, Date.now() - started]);
	}
}

async function main(): Promise<void> {
	const runStarted = Date.now();
	let t = Date.now();
	const { tgz } = buildAndPack();
	timings.push(['npm run build + npm pack', Date.now() - t]);
	const apiKey = `queue-e2e-${randomBytes(8).toString('hex')}`;
	let fake: FakeApixo | undefined;
	let cluster: Cluster | undefined;
	try {
		fake = await startFakeApixo({ apiKey, ...FAKE_APIXO_SETTINGS });
		t = Date.now();
		cluster = await startCluster(tgz, log);
		const { runDir } = cluster;
		// Interrupted (SIGINT) or crashed: n8n-process.ts (registered earlier, so it runs first) and
		// services/ kill their processes by pid; the run folder goes too, unless a check failed.
		process.on('exit', () => {
			if (failed === 0 && process.env.QUEUE_E2E_KEEP !== '1') rmSync(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
		});
		timings.push(['deployment up (total)', Date.now() - t], ...Object.entries(cluster.timings).map(([k, v]): [string, number] => [`  ${k}`, v]));
		const credential = await cluster.rest.createCredential('apixoApi', { apiKey, baseUrl: fake.baseUrl }, 'APIXO (fake)');
		const ctx: QueueContext = { cluster, fake, credential: { id: credential.id, name: credential.name }, notes };
		// QUEUE_E2E_ONLY=b,c runs only those scenarios (while working on one).
		const only = (process.env.QUEUE_E2E_ONLY ?? '').split(',').filter(Boolean);
		for (const scenario of SCENARIOS.filter((s) => only.length === 0 || only.includes(s.id))) await runScenario(ctx, scenario);
	} catch (error) {
		failed++;
		out(`FAIL set-up: ${(error as Error).message}`);
	} finally {
		t = Date.now();
		if (cluster) {
			// Anything the database still shows as not finished (a leftover would keep a process from shutting down).
			const { pg } = cluster;
			const open = await pg
				.psql(`SELECT id || ':' || status FROM execution_entity WHERE status NOT IN ('success','error','crashed','canceled') ORDER BY id`, { user: pg.user, database: pg.database })
				.then((text) => text.trim().split('\n').filter(Boolean).join(', ') || 'none', (error: Error) => `? (${error.message.slice(0, 80)})`);
			out(`executions not finished in the database at the end: ${open}`);
		}
		await fake?.close();
		const processes = cluster?.all() ?? [];
		const services = cluster ? [cluster.pg, cluster.redis] : [];
		const servicePids = services.flatMap((s) => s.pids());
		await cluster?.stop(failed > 0);
		timings.push(['stop everything', Date.now() - t]);
		const left = [...processes.flatMap((p) => p.alivePids()), ...servicePids.filter((pid) => isAlive(pid))];
		if (cluster) {
			// Did each process shut down gracefully, or did n8n give up waiting for executions it still counted as active?
			const shutdown = processes.map((p) => {
				const tail = p.logSinceStart();
				const waiting = /Waiting for (\d+) active executions to finish/.exec(tail)?.[1];
				return `${p.name} ${/Shutdown timed out/.test(tail) ? `timed out${waiting ? ` (${waiting} active execution(s) never finished)` : ''}` : 'clean'}`;
			});
			out(`graceful shutdown (SIGTERM, N8N_GRACEFUL_SHUTDOWN_TIMEOUT 15 s): ${shutdown.join(', ')}`);
			const pids = processes.map((p) => `${p.name} ${p.pidHistory.join('→')}`).join(', ');
			out(`processes stopped: ${pids}; postgres/redis ${servicePids.length} pids; left running: ${left.length ? left.join(', ') : 'none'}`);
			if (left.length) failed++;
			if (failed > 0) out(`logs kept in ${cluster.runDir}`);
		}
		timings.push(['whole run', Date.now() - runStarted]);
	}
	out(`${passed} passed, ${failed} failed`);
	writeReport(cluster);
}

function writeReport(cluster: Cluster | undefined): void {
	const report = [
		'# n8n queue mode end-to-end run (`scripts/queue/run.ts`)',
		'',
		`${new Date().toISOString()} — n8n ${N8N_VERSION} (Node 24): \`n8n start\` + \`n8n webhook\` + 2 × \`n8n worker --concurrency=${WORKER_CONCURRENCY}\`, ` +
			`PostgreSQL ${cluster?.pg.bin.version ?? '?'}, Redis, binary data in the database, fake APIXO in the test process (scaled render times).`,
		'',
		'## Results',
		'',
		'```',
		...lines,
		'```',
		'',
		'## Timings',
		'',
		'| step | time |',
		'|---|---|',
		...timings.map(([step, ms]) => `| ${step} | ${seconds(ms)} |`),
		'',
		...(notes.length ? ['## Notes and evidence', '', '```', ...notes, '```', ''] : []),
	].join('\n');
	writeFileSync(path.join(__dirname, 'last-run.md'), report, 'utf8');
}

main()
	.catch((error: unknown) => {
		failed++;
		out(`FAIL ${(error as Error).stack ?? String(error)}`);
	})
	.finally(() => {
		process.exitCode = failed > 0 ? 1 : 0;
	});

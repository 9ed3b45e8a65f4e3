/**
 * `npm run bench`: runs the Kling node through n8n's engine against the fake APIXO server (in a
 * child process) with scaled task times, prints every figure with its target, and writes the
 * table to bench/results.md. Not part of `npm test`.
 *
 *   npm run bench                      the full run (about 5 minutes), writes bench/results.md
 *   npm run bench -- --quick           smaller sizes, prints only (about 2 minutes)
 *   npm run bench -- --only=batch,faults   some scenarios (batch, rateLimit, faults, overhead, download, firstPoll, realN8n)
 *   npm run bench -- --profile=DIR     also writes a .cpuprofile of every measured workflow run
 *   npm run bench -- --strict          exits with code 1 when a target fails (default: report only)
 */
// Throwaway n8n user folder, encryption key and filesystem binary-data mode, before n8n-core loads.
import '../test/harness/env';

import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { HARNESS_TEMP_DIR_ENV } from '../test/harness/temp-dir';
import { RemoteFake } from './fake/remoteFake';
import { runKling } from './kling';
import type { Section } from './report';
import { failures, markdownTable, setupNotes } from './report';
import { batchScenario } from './scenarios/batch';
import { downloadScenario } from './scenarios/download';
import { faultScenario } from './scenarios/faults';
import { firstPollScenario } from './scenarios/firstPoll';
import { overheadScenario } from './scenarios/overhead';
import { rateLimitScenario } from './scenarios/rateLimit';
import { REAL_N8N_ITEMS, realN8nScenario } from './scenarios/realN8n';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const wanted = (name: string) => !only || only.includes(name);
/** Only a plain full run (no subset, no smaller sizes, no profiler slowing it) writes results.md. */
const writesResults = !quick && !only && !args.some((arg) => arg.startsWith('--profile'));

const SIZES = quick
	? { batch: [1, 10, 50], faults: 40, overhead: 300, downloadMb: 64 }
	: { batch: [1, 10, 50, 200], faults: 100, overhead: 1000, downloadMb: 256 };

async function main() {
	const started = performance.now();
	const loadBefore = os.loadavg()[0];
	const fake = RemoteFake.spawn();
	const sections = new Map<string, Section>();
	const log = (text: string) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1)} s] ${text}`);
	try {
		// Load and JIT the engine and the node once, so the first scenario does not pay for it.
		log('warming up');
		const baseUrl = await fake.start({ taskDurationMs: 0 });
		await runKling({ baseUrl, items: 50, options: { firstPollDelay: 0, pollInterval: 0.05, maxRequestsPerSecond: 0, maxConcurrency: 50 } });
		await fake.close();

		/** Runs one scenario; one that throws becomes a FAIL row instead of ending the bench. */
		const scenario = async (name: string, title: string, work: () => Promise<Section>) => {
			if (!wanted(name)) return;
			log(title);
			try {
				sections.set(name, await work());
			} catch (error) {
				await fake.close().catch(() => undefined);
				const message = error instanceof Error ? error.message : String(error);
				sections.set(name, { title, setup: 'did not complete', rows: [{ scenario: title, metric: 'completed', measured: message.slice(0, 300), target: 'completes', pass: false }] });
			}
		};
		// Memory scenarios first, before the other scenarios leave garbage and heap behind.
		await scenario('download', `5. Download: one ${SIZES.downloadMb} MB video`, async () => await downloadScenario(fake, SIZES.downloadMb));
		await scenario('overhead', `4. Overhead: ${SIZES.overhead} instant tasks`, async () => await overheadScenario(fake, SIZES.overhead));
		await scenario('batch', `1. Batch: ${SIZES.batch.join(', ')} items`, async () => await batchScenario(fake, SIZES.batch));
		await scenario('rateLimit', '2. Unknown rate limit', async () => await rateLimitScenario(fake, log));
		await scenario('firstPoll', '6. First read by the latency table', async () => firstPollScenario());
		await scenario('faults', `3. Faults: ${SIZES.faults} items per fault`, async () => await faultScenario(fake, SIZES.faults, log));
		// Last: n8n's own process competes for the CPUs with everything measured above.
		await scenario('realN8n', `7. Real n8n: a ${REAL_N8N_ITEMS}-item poll batch`, async () => await realN8nScenario(fake, log));
	} finally {
		await fake.shutdown();
		const harnessDir = process.env[HARNESS_TEMP_DIR_ENV];
		if (harnessDir) rmSync(harnessDir, { recursive: true, force: true });
	}

	const ordered = ['batch', 'rateLimit', 'faults', 'overhead', 'download', 'firstPoll', 'realN8n'].flatMap((name) => sections.get(name) ?? []);
	const elapsed = (performance.now() - started) / 1000;
	const failed = failures(ordered);
	const report = [
		'# Benchmark: Kling 3.0 (APIXO) node',
		'',
		`\`npm run bench${quick ? ' -- --quick' : ''}\`${only ? ` (only ${only.join(', ')})` : ''}: ` +
			`${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ` +
			`${elapsed.toFixed(0)} s, load average ${loadBefore.toFixed(1)} before / ${os.loadavg()[0].toFixed(1)} after ` +
			'(wall-time figures suffer when other processes compete for the CPUs). The node runs through n8n-core’s WorkflowExecute; ' +
			'the fake APIXO server runs in a child process, so CPU and memory figures are the engine’s and the node’s only. ' +
			'Every figure below was measured in this run.',
		'',
		markdownTable(ordered),
		'',
		'Setup:',
		'',
		setupNotes(ordered),
		'',
		failed.length === 0
			? `All ${ordered.flatMap((s) => s.rows).filter((r) => r.pass !== undefined).length} targets PASS.`
			: `${failed.length} target(s) FAIL: ${failed.map((row) => `${row.scenario} — ${row.metric}`).join('; ')}.`,
		'',
	].join('\n');
	console.log(`\n${report}`);
	if (writesResults) writeFileSync(path.join(__dirname, 'results.md'), report);
	else log('partial run (--quick/--only/--profile): bench/results.md left unchanged');
	log(`done in ${elapsed.toFixed(0)} s`);
	if (failed.length > 0 && args.includes('--strict')) process.exitCode = 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});

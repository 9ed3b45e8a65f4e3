/**
 * Scenario 7: a 100-item poll batch in the real pinned n8n (npm-packed package, installed as
 * n8n's installer does), against the bench's fake APIXO with scaled render times. The one
 * bench file that uses the e2e scripts (they are being reworked: keep the imports here).
 */
import { rmSync } from 'node:fs';

import { N8nInstance } from '../../scripts/e2e/n8n-instance';
import { nodeOutput } from '../../scripts/e2e/n8n-rest';
import { buildAndPack } from '../../scripts/kit/package-under-test';
import type { RemoteFake } from '../fake/remoteFake';
import { API_KEY } from '../fake/protocol';
import { promptOf } from '../kling';
import { secs } from '../measure';
import type { Row, Section } from '../report';
import { BATCH_OPTIONS, spreadDurations } from './batch';

export const REAL_N8N_ITEMS = 100;
const TARGET_RATIO = 1.2;
const KLING = 'Kling';

function batchWorkflow(credential: { id: string; name: string }, items: number) {
	const rows = Array.from({ length: items }, (_, i) => ({ json: { prompt: promptOf(i) } }));
	return {
		name: `bench: ${items}-item poll batch`,
		nodes: [
			{ id: 'bench-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'bench-rows',
				name: 'Rows',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: `return ${JSON.stringify(rows)};` },
			},
			{
				id: 'bench-kling',
				name: KLING,
				type: 'n8n-nodes-apixo.apixoKling',
				typeVersion: 1,
				position: [440, 0],
				parameters: { resource: 'video', operation: 'textToVideo', prompt: '={{ $json.prompt }}', duration: 5, options: BATCH_OPTIONS },
				credentials: { apixoApi: credential },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: KLING, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

interface BatchRun {
	ok: number;
	status: string;
	/** The Kling node's run time, as n8n records it. */
	nodeMs: number;
	executionMs: number;
	/** From the node's start. */
	firstSubmitMs: number;
	lastSubmitMs: number;
	lastReadyMs: number;
	submits: number;
	statusReads: number;
	downloads: number;
	rateLimited: number;
}

/** One execution of the batch, against a fake of its own (the credential points at it). */
async function runBatch(n8n: N8nInstance, fake: RemoteFake, durations: number[], label: string): Promise<BatchRun> {
	const baseUrl = await fake.start({ durationsByItem: durations });
	try {
		const credential = await n8n.rest.createCredential('apixoApi', { apiKey: API_KEY, baseUrl }, `APIXO (bench, ${label})`);
		const saved = await n8n.rest.importWorkflow(batchWorkflow(credential, durations.length));
		const run = await n8n.rest.runWorkflowManually(saved.id, 'Start');
		if (!run.executionId) throw new Error(`n8n started no execution: ${JSON.stringify(run)}`);
		const execution = await n8n.rest.waitForExecution(run.executionId, ['success', 'error', 'crashed', 'canceled'], 120_000);
		const stats = await fake.stats();
		const kling = execution.data.resultData.runData[KLING]?.[0] as { executionTime?: number; startTime?: number } | undefined;
		const nodeStartedAt = kling?.startTime ?? NaN;
		const output = execution.status === 'success' ? (nodeOutput(execution, KLING) as Array<{ state?: string }>) : [];
		return {
			ok: output.filter((item) => item.state === 'success').length,
			status: execution.status,
			nodeMs: kling?.executionTime ?? NaN,
			executionMs: Date.parse(execution.stoppedAt ?? '') - Date.parse(execution.startedAt ?? ''),
			firstSubmitMs: Math.min(...stats.tasks.map((task) => task.createTime)) - nodeStartedAt,
			lastSubmitMs: Math.max(...stats.tasks.map((task) => task.createTime)) - nodeStartedAt,
			lastReadyMs: Math.max(...stats.tasks.map((task) => task.readyAt)) - nodeStartedAt,
			submits: stats.submits,
			statusReads: stats.statusReads,
			downloads: stats.downloads,
			rateLimited: stats.rateLimited,
		};
	} finally {
		await fake.close();
	}
}

const timeline = (run: BatchRun) =>
	`first submit +${secs(run.firstSubmitMs)}, last submit +${secs(run.lastSubmitMs)}, last video ready +${secs(run.lastReadyMs)}, ` +
	`node done +${secs(run.nodeMs)}`;

export async function realN8nScenario(fake: RemoteFake, log: (text: string) => void): Promise<Section> {
	const durations = spreadDurations(REAL_N8N_ITEMS);
	const slowest = Math.max(...durations);
	log('  packing the package and starting n8n');
	const packed = buildAndPack();
	let n8n: N8nInstance | undefined;
	try {
		n8n = await N8nInstance.start({
			packages: [packed.tgz],
			// The fake listens on loopback, which n8n's SSRF protection would refuse.
			env: { N8N_SSRF_PROTECTION_ENABLED: 'false' },
		});
		log(`  n8n ${n8n.install.n8nVersion} up; running the batch twice (cold, then warm)`);
		const cold = await runBatch(n8n, fake, durations, 'cold');
		const warm = await runBatch(n8n, fake, durations, 'warm');
		const scenario = `7. Real n8n ${n8n.install.n8nVersion}, ${REAL_N8N_ITEMS}-item poll batch`;
		const rows: Row[] = [
			{
				scenario,
				metric: 'items succeeded (both runs)',
				measured: `${cold.ok} and ${warm.ok} / ${REAL_N8N_ITEMS} (executions ${cold.status}, ${warm.status})`,
				target: `${REAL_N8N_ITEMS} / ${REAL_N8N_ITEMS}`,
				pass: cold.ok === REAL_N8N_ITEMS && warm.ok === REAL_N8N_ITEMS,
			},
			{
				scenario,
				metric: 'wall ÷ slowest task (the Kling node’s run time, as n8n records it), second run',
				measured: `${(warm.nodeMs / slowest).toFixed(3)} (${secs(warm.nodeMs)} ÷ ${secs(slowest)})`,
				target: `≤ ${TARGET_RATIO}`,
				pass: warm.nodeMs <= TARGET_RATIO * slowest,
			},
			{
				scenario,
				metric: 'second run: timeline from the node’s start, requests',
				measured:
					`${timeline(warm)}; whole execution ${secs(warm.executionMs)} (trigger → Code → Kling); ` +
					`${warm.submits} submits, ${warm.statusReads} status reads, ${warm.downloads} downloads, ${warm.rateLimited} rate limited`,
			},
			{
				scenario,
				metric: 'first run after n8n started (cold): wall ÷ slowest, timeline',
				measured: `${(cold.nodeMs / slowest).toFixed(3)}; ${timeline(cold)}`,
			},
		];
		return {
			title: '7. Real n8n',
			setup:
				`the package packed by npm pack and installed into the pinned n8n (scripts/e2e), n8n on loopback with SSRF protection off ` +
				`(the fake listens on 127.0.0.1); Manual Trigger → Code (${REAL_N8N_ITEMS} prompts) → Kling 3.0 (APIXO), run over n8n's REST API; ` +
				`task times over [1 s, 3 s], the batch's options (firstPollDelay ${BATCH_OPTIONS.firstPollDelay} s, pollInterval ${BATCH_OPTIONS.pollInterval} s, ` +
				`every other option at its default, download on into n8n's default binary-data mode). The same batch runs twice in the ` +
				'same n8n: the target applies to the second (a long-running n8n is warm), the first is shown for information.',
			rows,
		};
	} finally {
		await n8n?.stop();
		rmSync(packed.dir, { recursive: true, force: true });
	}
}

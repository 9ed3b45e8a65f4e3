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
		const baseUrl = await fake.start({ durationsByItem: durations });
		const credential = await n8n.rest.createCredential('apixoApi', { apiKey: API_KEY, baseUrl }, 'APIXO (bench)');
		const saved = await n8n.rest.importWorkflow(batchWorkflow(credential, REAL_N8N_ITEMS));
		log(`  n8n ${n8n.install.n8nVersion} up; running the batch`);
		const run = await n8n.rest.runWorkflowManually(saved.id, 'Start');
		if (!run.executionId) throw new Error(`n8n started no execution: ${JSON.stringify(run)}`);
		const execution = await n8n.rest.waitForExecution(run.executionId, ['success', 'error', 'crashed', 'canceled'], 120_000);
		const stats = await fake.stats();
		await fake.close();
		const kling = execution.data.resultData.runData[KLING]?.[0] as { executionTime?: number } | undefined;
		const nodeMs = kling?.executionTime ?? NaN;
		const executionMs = Date.parse(execution.stoppedAt ?? '') - Date.parse(execution.startedAt ?? '');
		const output = execution.status === 'success' ? (nodeOutput(execution, KLING) as Array<{ state?: string }>) : [];
		const ok = output.filter((item) => item.state === 'success').length;
		const firstSubmit = Math.min(...stats.tasks.map((task) => task.createTime));
		const lastSubmit = Math.max(...stats.tasks.map((task) => task.createTime)) - firstSubmit;
		const lastReady = Math.max(...stats.tasks.map((task) => task.readyAt)) - firstSubmit;
		const scenario = `7. Real n8n ${n8n.install.n8nVersion}, ${REAL_N8N_ITEMS}-item poll batch`;
		const rows: Row[] = [
			{ scenario, metric: 'items succeeded', measured: `${ok} / ${REAL_N8N_ITEMS} (execution ${execution.status})`, target: `${REAL_N8N_ITEMS} / ${REAL_N8N_ITEMS}`, pass: ok === REAL_N8N_ITEMS },
			{
				scenario,
				metric: 'wall ÷ slowest task (the Kling node’s run time, as n8n records it)',
				measured: `${(nodeMs / slowest).toFixed(3)} (${secs(nodeMs)} ÷ ${secs(slowest)})`,
				target: `≤ ${TARGET_RATIO}`,
				pass: nodeMs <= TARGET_RATIO * slowest,
			},
			{
				scenario,
				metric: 'whole execution, requests',
				measured:
					`${secs(executionMs)} (trigger → Code → Kling, n8n's startedAt → stoppedAt); from the first submit: last submit +${secs(lastSubmit)}, ` +
					`last video ready +${secs(lastReady)}; ${stats.submits} submits, ${stats.statusReads} status reads, ${stats.downloads} downloads, ${stats.rateLimited} rate limited`,
			},
		];
		return {
			title: '7. Real n8n',
			setup:
				`the package packed by npm pack and installed into the pinned n8n (scripts/e2e), n8n on loopback with SSRF protection off ` +
				`(the fake listens on 127.0.0.1); Manual Trigger → Code (${REAL_N8N_ITEMS} prompts) → Kling 3.0 (APIXO), run over n8n's REST API; ` +
				`task times over [1 s, 3 s], the batch's options (firstPollDelay ${BATCH_OPTIONS.firstPollDelay} s, pollInterval ${BATCH_OPTIONS.pollInterval} s, ` +
				`every other option at its default, download on into n8n's default binary-data mode).`,
			rows,
		};
	} finally {
		await n8n?.stop();
		rmSync(packed.dir, { recursive: true, force: true });
	}
}

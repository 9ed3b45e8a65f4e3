/**
 * What the editor run needs before the browser starts: our package as an `npm pack` tarball,
 * and, in the running n8n, an APIXO API credential and one workflow per node.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { N8nInstance } from '../e2e/n8n-instance';

export const REPO = path.resolve(__dirname, '../..');
export const KLING = 'Kling 3.0 (APIXO)';
export const TRIGGER = 'APIXO Trigger';
export const TRIGGER_WEBHOOK_ID = '6f1c2a9e-3b7d-4e58-9c0a-1d2e3f4a5b6c';

/**
 * `npm pack` of the built package (the npm script builds it first). dist/ is shared with whoever
 * else builds in this checkout: when it is missing or half-written the package is built again,
 * and the tarball must hold both nodes.
 */
export function packPackage(dir: string): string {
	const required = ['package/dist/nodes/ApixoKling/ApixoKling.node.js', 'package/dist/nodes/ApixoTrigger/ApixoTrigger.node.js'];
	let lastProblem = '';
	for (let attempt = 1; attempt <= 3; attempt++) {
		const dist = path.join(REPO, 'dist');
		if (attempt > 1 || !existsSync(path.join(dist, 'nodes'))) {
			console.log(`building the package (${attempt > 1 ? lastProblem : 'no dist/'})`);
			execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
		} else if (newestMtime(path.join(REPO, 'nodes')) > newestMtime(dist)) {
			console.log('warning: nodes/ changed after the last build; `npm run e2e:editor` rebuilds');
		}
		try {
			const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
			const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
			const tgz = path.join(dir, path.basename(filename));
			const listing = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n');
			const missing = required.filter((file) => !listing.includes(file));
			if (missing.length === 0) return tgz;
			lastProblem = `the tarball lacks ${missing.join(', ')}`;
		} catch (error) {
			lastProblem = `npm pack failed: ${(error as Error).message.split('\n')[0]}`;
		}
	}
	throw new Error(`could not pack the package: ${lastProblem}`);
}

function newestMtime(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
		if (!entry.isFile()) continue;
		newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
	}
	return newest;
}

/** An APIXO API credential (pointing at a closed port) and the two workflows the checks open. */
export async function createFixtures(n8n: N8nInstance): Promise<{ klingWorkflowId: string; triggerWorkflowId: string }> {
	const credential = await n8n.rest.createCredential(
		'apixoApi',
		{ apiKey: 'e2e-editor-not-a-key', baseUrl: 'http://127.0.0.1:9/api/v1' },
		'APIXO account',
	);
	const kling = await n8n.rest.importWorkflow({
		name: 'Kling 3.0 panel (e2e editor)',
		nodes: [
			{
				id: 'e2e-editor-kling',
				name: KLING,
				type: 'n8n-nodes-apixo.apixoKling',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
				credentials: { apixoApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: {},
	});
	const trigger = await n8n.rest.importWorkflow({
		name: 'APIXO Trigger panel (e2e editor)',
		nodes: [
			{
				id: 'e2e-editor-trigger',
				name: TRIGGER,
				type: 'n8n-nodes-apixo.apixoTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: TRIGGER_WEBHOOK_ID,
				parameters: {},
			},
		],
		connections: {},
	});
	return { klingWorkflowId: kling.id, triggerWorkflowId: trigger.id };
}

/**
 * `npm run demo`: one text-to-video workflow through n8n's own execution engine. Without
 * APIXO_API_KEY it runs against the built-in fake APIXO server; with it, against the real API
 * (one 3-second silent video: $0.25). The video lands in ./out/.
 */
// Throwaway n8n user folder and encryption key, set before n8n-core loads.
import '../test/harness/env';

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { FakeApixo } from '../test/fake-apixo';
import { startFakeApixo } from '../test/fake-apixo';
import { readBinary, runWorkflow, singleNodeWorkflow } from '../test/harness';

const OUT_DIR = path.resolve(__dirname, '..', 'out');

async function main() {
	const realKey = process.env.APIXO_API_KEY;
	let fake: FakeApixo | undefined;
	if (!realKey) fake = await startFakeApixo({ apiKey: 'demo-key', taskDurationMs: 3000 });
	const baseUrl = fake?.baseUrl ?? process.env.APIXO_BASE_URL ?? 'https://api.apixo.ai/api/v1';
	console.log(fake ? `Fake APIXO server at ${baseUrl} (set APIXO_API_KEY to use the real API)` : `Real APIXO API at ${baseUrl}`);

	const workflow = singleNodeWorkflow(
		{
			name: 'Kling 3.0 (APIXO)',
			type: 'n8n-nodes-apixo.apixoKling',
			parameters: {
				resource: 'video',
				operation: 'textToVideo',
				prompt: '={{ $json.prompt }}',
				duration: 3,
				aspectRatio: '9:16',
				sound: false,
				options: fake ? { firstPollDelay: 1, pollInterval: 0.5 } : {},
			},
		},
		[{ prompt: 'a paper boat drifting down a rainy street, close-up, soft morning light' }],
		'apixoApi',
	);
	try {
		const result = await runWorkflow({
			...workflow,
			credentials: { apixoApi: { apiKey: realKey ?? 'demo-key', baseUrl } },
		});
		if (result.status !== 'success') {
			const error = result.error as { message?: string; description?: string } | undefined;
			throw new Error(`Workflow ended ${result.status}: ${error?.message}\n${error?.description ?? ''}`);
		}
		await mkdir(OUT_DIR, { recursive: true });
		for (const item of result.output('Kling 3.0 (APIXO)')) {
			console.log(JSON.stringify(item.json, null, 2));
			const binary = item.binary?.data;
			if (!binary) continue;
			const file = path.join(OUT_DIR, binary.fileName ?? `${String(item.json.taskId)}.mp4`);
			const bytes = await readBinary(item);
			await writeFile(file, bytes);
			console.log(`Wrote ${file} (${bytes.length} bytes, ${binary.mimeType})`);
		}
	} finally {
		await fake?.close();
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});

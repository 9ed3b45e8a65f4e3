/**
 * Media from binary data, in the real n8n: the form upload example (examples/form-image-to-video.json)
 * posted as a browser does, and a motion control from two files read from disk and merged into one
 * item. Each binary reaches the fake APIXO as n8n's own signed URL, served by n8n's
 * `/rest/binary-data/signed`; the fake fetches every media URL and the bytes it got are compared
 * with the files the workflow started from.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeTask, KlingInput } from '../../test/fake-apixo';
import { mp4Lasting } from '../../test/support/videoHost';
import { KLING_TYPE, nodeOfType, prepareExample, type Workflow } from './examples';
import { nodeOutput } from './n8n-rest';
import { assert, describeExecution, FakeWindow, runToEnd, seconds, waitFor, type ScenarioContext } from './scenario-kit';
import type { Figures } from './scenarios-poll';

const SIGNED_PATH = '/rest/binary-data/signed?token=';

/** For run.ts: the fake fetches the media of a task sent as n8n signed URLs (the other scenarios' example.com leads nowhere). */
export const fetchesSignedMedia = (input: KlingInput): boolean => JSON.stringify(input).includes(SIGNED_PATH);

/** A PNG signature and random bytes: the node checks the signature, the fake the bytes. */
const photo = (): Buffer => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(180_000)]);

/** The signed URLs of the task, the bytes the fake fetched from them, and their token's lifetime. */
function checkFetched(ctx: ScenarioContext, task: FakeTask, expected: Array<[kind: 'image' | 'video', bytes: Buffer]>, fig: Figures): void {
	const urls = [...('image_urls' in task.input ? task.input.image_urls : []), ...('video_urls' in task.input ? task.input.video_urls : [])];
	assert(urls.every((url) => url.startsWith(`${ctx.n8n.baseUrl}${SIGNED_PATH}`)), `media URLs ${urls.join(', ')} are not n8n signed URLs`);
	const fetched = task.fetchedMedia ?? [];
	assert(fetched.length === expected.length, `the fake fetched ${fetched.length} of ${expected.length} media URLs`);
	expected.forEach(([kind, bytes], i) => {
		const got = fetched[i];
		assert(got.kind === kind && got.bytes.equals(bytes), `${kind} ${i + 1}: fetched ${got.bytes.length} B (${got.contentType}), differs from the ${bytes.length} B sent`);
	});
	fig.fetched = fetched.map((media) => `${media.kind} ${media.bytes.length} B ${media.contentType} byte-identical`).join(', ');
	const token = new URL(urls[0]).searchParams.get('token') ?? '';
	const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { iat?: number; exp?: number };
	fig.urlLifetime = claims.exp && claims.iat ? `${(claims.exp - claims.iat) / 3600} h` : 'unknown';
}

/**
 * examples/form-image-to-video.json, published, and its form posted (multipart, as a browser sends
 * it) with a PNG: the upload reaches APIXO through n8n's signed URL, byte for byte.
 */
export async function formUploadImageToVideo(ctx: ScenarioContext, fig: Figures): Promise<void> {
	const workflow = prepareExample('form-image-to-video.json', ctx.env, { klingOptions: { allowPrivateCallbackUrl: true } });
	const form = nodeOfType(workflow, 'n8n-nodes-base.formTrigger');
	const saved = await ctx.n8n.rest.importWorkflow(workflow);
	await ctx.n8n.rest.activateWorkflow(saved.id);
	const image = photo();
	const body = new FormData();
	body.append('field-0', new Blob([image], { type: 'image/png' }), 'product.png');
	body.append('field-1', 'the product turns slowly on a studio table');
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const posted = await fetch(`${ctx.n8n.baseUrl}/form/${form.webhookId}`, { method: 'POST', body });
	await posted.arrayBuffer();
	fig.form = `HTTP ${posted.status}`;
	const [summary] = await waitFor('the form execution', 60_000, async () => {
		const done = await ctx.n8n.rest.listExecutions({ workflowId: saved.id, status: ['success', 'error', 'crashed'] });
		return done.length ? done : undefined;
	});
	const execution = await ctx.n8n.rest.getExecution(summary.id);
	fig.time = seconds(Date.now() - started);
	await ctx.n8n.rest.deactivateWorkflow(saved.id);
	assert(posted.ok && execution.status === 'success', `form answered ${posted.status}; execution ${execution.id} ${describeExecution(execution)}`);
	const [task] = window.tasks();
	assert(task && window.figures().submits === 1 && task.input.mode === 'image-to-video', `submits ${JSON.stringify(window.figures())}`);
	checkFetched(ctx, task, [['image', image]], fig);
	const [item] = nodeOutput(execution, nodeOfType(workflow, KLING_TYPE).name) as Array<Record<string, unknown>>;
	assert(item?.state === 'success' && item.videoUrl === task.resultUrls[0], `Kling output ${JSON.stringify(item).slice(0, 300)}`);
	fig.state = 'success';
}

/**
 * Motion control from a PNG and an MP4 read from disk by Read/Write Files and merged into one item
 * (Merge, by position): both reach APIXO through signed URLs, the video priced by its own length.
 */
export async function motionControlFromFiles(ctx: ScenarioContext, fig: Figures): Promise<void> {
	const image = photo();
	const video = mp4Lasting(6, 'moovLast', 400_000);
	writeFileSync(path.join(ctx.env.filesDir, 'e2e-character.png'), image);
	writeFileSync(path.join(ctx.env.filesDir, 'e2e-dance.mp4'), video);
	const workflow = motionWorkflow(ctx);
	const saved = await ctx.n8n.rest.importWorkflow(workflow);
	const window = new FakeWindow(ctx.fake);
	const started = Date.now();
	const execution = await runToEnd(ctx, saved.id, 'Start');
	fig.time = seconds(Date.now() - started);
	assert(execution.status === 'success', `execution ${execution.id} ${describeExecution(execution)}`);
	const [task] = window.tasks();
	assert(task && window.figures().submits === 1 && task.input.mode === 'motion-control', `submits ${JSON.stringify(window.figures())}`);
	checkFetched(ctx, task, [['image', image], ['video', video]], fig);
	const [item] = nodeOutput(execution, 'Kling 3.0 (APIXO)') as Array<Record<string, unknown>>;
	assert(item?.state === 'success' && item.billedSeconds === 6, `Kling output ${JSON.stringify(item).slice(0, 300)}`);
	fig.billedSeconds = 6;
}

function motionWorkflow(ctx: ScenarioContext): Workflow {
	const read = (name: string, file: string, property: string, y: number) => ({
		id: `e2e-${property}`,
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		position: [240, y],
		parameters: { operation: 'read', fileSelector: path.join(ctx.env.filesDir, file), options: { dataPropertyName: property } },
	});
	const to = (node: string, index = 0) => ({ main: [[{ node, type: 'main', index }]] });
	return {
		name: 'e2e: motion control from files on disk',
		nodes: [
			{ id: 'e2e-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			read('Read character', 'e2e-character.png', 'character', -100),
			read('Read dance', 'e2e-dance.mp4', 'data', 100),
			{ id: 'e2e-merge', name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion: 3.2, position: [480, 0], parameters: { mode: 'combine', combineBy: 'combineByPosition', options: {} } },
			{
				id: 'e2e-kling',
				name: 'Kling 3.0 (APIXO)',
				type: KLING_TYPE,
				typeVersion: 1,
				position: [720, 0],
				parameters: {
					resource: 'video',
					operation: 'motionControl',
					imageSource: 'binary',
					imageBinaryProperty: 'character',
					videoSource: 'binary',
					waitMode: 'poll',
					options: { ...ctx.env.klingOptions, allowPrivateCallbackUrl: true, download: false },
				},
				credentials: { apixoApi: ctx.env.credential },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Read character', type: 'main', index: 0 }, { node: 'Read dance', type: 'main', index: 0 }]] },
			'Read character': to('Merge', 0),
			'Read dance': to('Merge', 1),
			Merge: to('Kling 3.0 (APIXO)'),
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Issue #13 in the editor: the binary source of a media input (examples/form-image-to-video.json),
 * the agent's tool set-up (examples/agent-video-tools.json) and the output panel after a real run
 * against the fake APIXO (the video item, its binary tab and its preview). Screenshots for the README.
 */
import path from 'node:path';
import type { FakeApixo } from '../../test/fake-apixo';
import { startFakeApixo } from '../../test/fake-apixo';
import { readExample } from '../e2e/examples';
import type { N8nInstance } from '../e2e/n8n-instance';
import { REPO_ROOT as REPO } from '../kit/package-under-test';
import { assert, type CheckRun, expectHidden, expectShown } from './checks';
import type { EditorPage } from './editor';

const RUN_WORKFLOW = 'Kling run (e2e editor)';

/** The example with its APIXO credential references pointed at `credential`. */
async function importExample(n8n: N8nInstance, file: string, credential: { id: string; name: string }): Promise<string> {
	const workflow = readExample(file);
	for (const node of workflow.nodes) if (node.credentials?.apixoApi) node.credentials.apixoApi = { ...credential };
	return (await n8n.rest.importWorkflow(workflow)).id;
}

export async function checkMediaAndTools(run: CheckRun, ui: EditorPage, n8n: N8nInstance, images: string, onOpenNode: (name: string) => void): Promise<void> {
	const shot = (file: string) => path.join(path.relative(REPO, images), file);
	const fake = await startFakeApixo({ apiKey: 'e2e-editor-fake-key', taskDurationMs: 1500, videoBytes: await recordClip(ui) });
	try {
		const credential = await n8n.rest.createCredential('apixoApi', { apiKey: 'e2e-editor-fake-key', baseUrl: fake.baseUrl }, 'APIXO (fake)');
		await binaryOption(run, ui, n8n, credential, shot, images, onOpenNode);
		await toolSetUp(run, ui, n8n, credential, shot, images, onOpenNode);
		await outputAfterRun(run, ui, n8n, fake, credential, shot, images, onOpenNode);
	} finally {
		await fake.close();
	}
}

/**
 * A 3 s MP4 (H.264) drawn on a canvas and recorded by the browser's MediaRecorder, for the fake
 * to serve as the rendered video: the preview then plays a real picture. The fake's own MP4 has
 * no frames.
 */
const RECORD_CLIP = `(async () => {
	const canvas = document.createElement('canvas');
	canvas.width = 640;
	canvas.height = 360;
	const g = canvas.getContext('2d');
	const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/mp4;codecs=avc1', videoBitsPerSecond: 800000 });
	const chunks = [];
	recorder.ondataavailable = (event) => chunks.push(event.data);
	const started = performance.now();
	let frame;
	const draw = () => {
		const x = ((performance.now() - started) / 1000) * 70;
		const sky = g.createLinearGradient(0, 0, 0, 360);
		sky.addColorStop(0, '#1d3557');
		sky.addColorStop(1, '#457b9d');
		g.fillStyle = sky;
		g.fillRect(0, 0, 640, 360);
		g.fillStyle = '#f1faee';
		g.beginPath(); g.moveTo(150 + x, 260); g.lineTo(290 + x, 260); g.lineTo(255 + x, 295); g.lineTo(185 + x, 295); g.fill();
		g.beginPath(); g.moveTo(220 + x, 255); g.lineTo(220 + x, 160); g.lineTo(285 + x, 250); g.fill();
		g.font = '24px sans-serif';
		g.fillText('a paper boat on a rainy street (fake render)', 24, 44);
		frame = requestAnimationFrame(draw);
	};
	draw();
	recorder.start();
	await new Promise((resolve) => setTimeout(resolve, 3000));
	const stopped = new Promise((resolve) => (recorder.onstop = resolve));
	recorder.stop();
	await stopped;
	cancelAnimationFrame(frame);
	const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
	let text = '';
	for (const byte of bytes) text += String.fromCharCode(byte);
	return btoa(text);
})()`;

async function recordClip(ui: EditorPage): Promise<Buffer> {
	const clip = Buffer.from(await ui.page.evaluate<string>(RECORD_CLIP), 'base64');
	if (clip.toString('latin1', 4, 8) !== 'ftyp') throw new Error(`the recorded clip is not an MP4 (${clip.length} B)`);
	return clip;
}

type Shot = (file: string) => string;
type Credential = { id: string; name: string };

async function binaryOption(run: CheckRun, ui: EditorPage, n8n: N8nInstance, credential: Credential, shot: Shot, images: string, onOpenNode: (name: string) => void): Promise<void> {
	const id = await importExample(n8n, 'form-image-to-video.json', credential);
	await run.check('form-image-to-video.json: Start Image Source offers URL and Binary Data; Binary shows its property, not the URL', async () => {
		await ui.openWorkflow(id);
		await ui.openNode('Kling 3.0 (APIXO)');
		onOpenNode('Kling 3.0 (APIXO)');
		const names = (await ui.optionsOf('startImageSource')).map((choice) => choice.name);
		assert(JSON.stringify(names) === '["URL","Binary Data"]', `Start Image Source lists ${JSON.stringify(names)}`);
		const view = await ui.readPanel();
		expectShown('Start Image Source: Binary Data', view.labels, ['Start Image Source', 'Start Image Binary Property', 'End Image Source']);
		expectHidden('Start Image Source: Binary Data', view.labels, ['Start Image URL']);
		return `Start Image Binary Property = "${await ui.input('startImageBinaryProperty').locator('input, textarea').first().inputValue()}"`;
	});
	await run.check(`Image to Video from binary: screenshot ${shot('image-to-video-binary.png')}`, async () => {
		const size = await ui.screenshotNdv(path.join(images, 'image-to-video-binary.png'));
		return `${size.width}×${size.height}`;
	});
}

async function toolSetUp(run: CheckRun, ui: EditorPage, n8n: N8nInstance, credential: Credential, shot: Shot, images: string, onOpenNode: (name: string) => void): Promise<void> {
	const id = await importExample(n8n, 'agent-video-tools.json', credential);
	await run.check(`agent-video-tools.json: the agent with "make a video" and "check a video" as tools; screenshot ${shot('agent-tools.png')}`, async () => {
		await ui.openWorkflow(id);
		for (const name of ['AI Agent', 'make a video', 'check a video']) assert(await ui.canvasNode(name).isVisible(), `no "${name}" on the canvas`);
		await ui.page.mouse.move(0, 0);
		await ui.page.screenshot({ path: path.join(images, 'agent-tools.png'), animations: 'disabled', caret: 'hide' });
	});
	await run.check(`"make a video" tool: the tool notice and the $fromAI prompt; screenshot ${shot('tool-make-a-video.png')}`, async () => {
		await ui.openNode('make a video');
		onOpenNode('make a video');
		const view = await ui.readPanel();
		const notice = view.notices.find((text) => text.startsWith('As a tool:'));
		assert(notice, `no tool notice: ${JSON.stringify(view.notices)}`);
		expectShown('make a video', view.labels, ['Prompt', 'Wait Mode', 'Options']);
		const size = await ui.screenshotNdv(path.join(images, 'tool-make-a-video.png'));
		return `"${notice.slice(0, 80)}…" ${size.width}×${size.height}`;
	});
}

async function outputAfterRun(run: CheckRun, ui: EditorPage, n8n: N8nInstance, fake: FakeApixo, credential: Credential, shot: Shot, images: string, onOpenNode: (name: string) => void): Promise<void> {
	const kling = 'Kling 3.0 (APIXO)';
	const saved = await n8n.rest.importWorkflow({
		name: RUN_WORKFLOW,
		nodes: [
			{ id: 'e2e-run-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'e2e-run-kling',
				name: kling,
				type: 'n8n-nodes-apixo.apixoKling',
				typeVersion: 1,
				position: [260, 0],
				parameters: {
					resource: 'video',
					operation: 'textToVideo',
					prompt: 'a paper boat drifting down a rainy street, slow dolly in',
					options: { firstPollDelay: 0.5, pollInterval: 0.5 },
				},
				credentials: { apixoApi: credential },
			},
		],
		connections: { Start: { main: [[{ node: kling, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	await run.check('Execute workflow in the editor: the Kling node outputs the video item (JSON and binary)', async () => {
		await ui.openWorkflow(saved.id);
		await ui.page.locator('[data-test-id=execute-workflow-button]').first().click();
		const done = await waitForExecution(n8n, saved.id);
		assert(done === 'success', `the execution ended ${done}`);
		await ui.openNode(kling);
		onOpenNode(kling);
		await displayMode(ui, 'JSON');
		await ui.ndv.getByText('videoUrl').first().waitFor();
		const [task] = fake.tasks.values();
		assert(task, 'the fake APIXO received no task');
		return `task ${task.taskId}`;
	});
	await run.check(`Output panel after a run: screenshot ${shot('output-after-run.png')}`, async () => {
		const size = await ui.screenshotNdv(path.join(images, 'output-after-run.png'));
		return `${size.width}×${size.height}`;
	});
	await run.check(`Output panel, Binary: the video file and its preview; screenshots ${shot('output-binary.png')}, ${shot('output-video-preview.png')}`, async () => {
		await displayMode(ui, 'Binary');
		const file = ui.ndv.locator('[data-test-id^=ndv-binary-data_]').first();
		await file.waitFor();
		const text = (await file.innerText()).replace(/\s+/g, ' ').trim();
		assert(/\.mp4/.test(text) && /video\/mp4/.test(text), `the binary tab shows "${text}"`);
		await ui.screenshotNdv(path.join(images, 'output-binary.png'));
		await ui.ndv.locator('[data-test-id=ndv-view-binary-data]').first().click();
		const video = ui.page.locator('video').first();
		await video.waitFor();
		await ui.page.waitForTimeout(500);
		await ui.page.screenshot({ path: path.join(images, 'output-video-preview.png'), animations: 'disabled', caret: 'hide' });
		return `"${text}"`;
	});
}

/** Picks how the output panel shows the items; its switch (Schema, Table, JSON, Binary) is the NDV's last. */
async function displayMode(ui: EditorPage, mode: string): Promise<void> {
	await ui.ndv.getByText(mode, { exact: true }).last().click();
}

async function waitForExecution(n8n: N8nInstance, workflowId: string, timeoutMs = 60_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const [last] = await n8n.rest.listExecutions({ workflowId });
		if (last && !['new', 'running', 'waiting'].includes(String(last.status))) return String(last.status);
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	throw new Error(`no finished execution of workflow ${workflowId} after ${timeoutMs} ms`);
}

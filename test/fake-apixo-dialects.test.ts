import { startFakeApixo, type FakeApixo, type FakeApixoOptions } from './fake-apixo';
import { startVideoHost } from './support/videoHost';

/* The fake's answers beyond the model page, each switchable per test (apixo-platform-notes.md). */

const KEY = 'test-key';
let fake: FakeApixo;
afterEach(async () => await fake?.close());

async function start(options: FakeApixoOptions = {}) {
	fake = await startFakeApixo(options);
}
async function call(path: string, init: RequestInit = {}) {
	const res = await fetch(`${fake.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' } });
	return { status: res.status, type: res.headers.get('content-type'), json: (await res.json().catch(() => undefined)) as any };
}
const submit = (input: object) =>
	call('/generateTask/kling-3-0-std', { method: 'POST', body: JSON.stringify({ request_type: 'async', input }) });
const status = (taskId: string) => call(`/statusTask/kling-3-0-std?taskId=${taskId}`);
const textToVideo = { mode: 'text-to-video', prompt: 'a city', sound: false };
async function finished(taskId: string) {
	fake.completeNow(taskId);
	return (await status(taskId)).json.data;
}

test('the balance is a bare number by default, an object on request', async () => {
	await start({ balance: 74.87 });
	expect((await call('/apikeys/current-balance')).json).toEqual({ code: 200, message: 'success', data: 74.87 });
	await fake.close();
	await start({ balance: 5, balanceAnswer: 'object' });
	expect((await call('/apikeys/current-balance')).json.data).toEqual({ balance: 5 });
});

test('an errorBody fault answers HTTP 200 with the error code in the body, and creates no task', async () => {
	await start();
	fake.inject({ on: 'submit', kind: 'errorBody', code: 400, message: 'Insufficient credits', data: null });
	expect(await submit(textToVideo)).toMatchObject({ status: 200, json: { code: 400, message: 'Insufficient credits', data: null } });
	fake.inject({ on: 'submit', kind: 'errorBody', code: 402 });
	expect((await submit(textToVideo)).json).toEqual({ code: 402 });
	expect(fake.stats.acceptedSubmits).toBe(0);
});

test('503 says the model is temporarily unavailable; unknown tasks are 404', async () => {
	await start();
	fake.inject({ on: 'submit', kind: 'http', status: 503 });
	expect(await submit(textToVideo)).toMatchObject({ status: 503, json: { code: 503, message: 'model temporarily unavailable' } });
	expect((await status('task_nope')).status).toBe(404);
});

test('a success without URLs, and resultJson as an object', async () => {
	await start({ outcome: () => ({ noResultUrls: true }) });
	const empty = await finished((await submit(textToVideo)).json.data.taskId);
	expect(empty).toMatchObject({ state: 'success', resultJson: '{"resultUrls":[]}' });
	await fake.close();
	await start({ resultJsonAs: 'object' });
	const parsed = await finished((await submit(textToVideo)).json.data.taskId);
	expect(parsed.resultJson.resultUrls).toHaveLength(1);
});

test('result URLs expire 24 h after completion; the clock is the test’s', async () => {
	await start({ resultContentType: 'application/octet-stream' });
	const data = await finished((await submit(textToVideo)).json.data.taskId);
	const url = JSON.parse(data.resultJson).resultUrls[0];
	const fresh = await fetch(url);
	expect([fresh.status, fresh.headers.get('content-type')]).toEqual([200, 'application/octet-stream']);
	await fresh.arrayBuffer();
	fake.advanceClock(24 * 60 * 60 * 1000 + 1);
	expect((await fetch(url)).status).toBe(404);
	expect((await status(data.taskId)).json.data.state).toBe('success');
});

test('with fetchMedia, a video URL that is not a video fails the task with INVALID_VIDEO_URL', async () => {
	await start({ fetchMedia: true });
	const images = await startVideoHost({ '/a.png': Buffer.from('png') }, { contentType: 'image/png' });
	const pages = await startVideoHost({ '/page.mp4': Buffer.from('<html>') }, { contentType: 'text/html' });
	try {
		const input = { mode: 'motion-control', sound: false, image_urls: [images.url('/a.png')], video_urls: [pages.url('/page.mp4')] };
		const taskId = (await submit(input)).json.data.taskId;
		expect((await status(taskId)).json.data.state).toBe('pending');
		for (let i = 0; i < 50 && fake.tasks.get(taskId)?.fetchingMedia; i++) await new Promise((r) => setTimeout(r, 20));
		expect(await finished(taskId)).toMatchObject({ state: 'failed', failCode: 'INVALID_VIDEO_URL', failMsg: expect.stringContaining('not a video (text/html)') });
	} finally {
		await images.close();
		await pages.close();
	}
});

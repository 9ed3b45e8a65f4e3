import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { smallMp4, startFakeApixo, type FakeApixo, type FakeApixoOptions } from './fake-apixo';

const KEY = 'test-key';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let fake: FakeApixo;
afterEach(async () => {
	await fake?.close();
});
async function start(options: FakeApixoOptions = {}): Promise<FakeApixo> {
	fake = await startFakeApixo(options);
	return fake;
}

interface Answer {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}
async function call(path: string, init: RequestInit & { key?: string | null } = {}): Promise<Answer> {
	const { key = KEY, ...rest } = init;
	const headers = new Headers(rest.headers);
	if (key !== null) headers.set('authorization', `Bearer ${key}`);
	const res = await fetch(`${fake.baseUrl}${path}`, { ...rest, headers });
	const text = await res.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}
const post = (body: unknown, init: RequestInit & { key?: string | null } = {}) =>
	call('/generateTask/kling-3-0-std', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: typeof body === 'string' ? body : JSON.stringify(body),
		...init,
	});
const status = (taskId: string) => call(`/statusTask/kling-3-0-std?taskId=${encodeURIComponent(taskId)}`);

const text = (input: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
	request_type: 'async',
	input: { mode: 'text-to-video', prompt: 'a skyline', duration: 5, sound: false, aspect_ratio: '16:9', ...input },
	...top,
});
const image = (input: Record<string, unknown> = {}) => ({
	request_type: 'async',
	input: { mode: 'image-to-video', prompt: 'wave', duration: 6, sound: true, image_urls: ['https://e.com/a.png'], ...input },
});
const motion = (input: Record<string, unknown> = {}) => ({
	request_type: 'async',
	input: {
		mode: 'motion-control',
		sound: true,
		character_orientation: 'video',
		image_urls: ['https://e.com/c.png'],
		video_urls: ['https://e.com/m.mp4'],
		...input,
	},
});
const omit = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

describe('submit rules', () => {
	beforeEach(() => start());

	test('accepts the reference examples and bills them from the price table', async () => {
		const a = await post(text({ negative_prompt: 'blur', cfg_scale: 0.5, multi_prompt: [{ duration: 2, prompt: 'wide' }, { duration: 3, prompt: 'push' }] }));
		const b = await post(image({ image_urls: ['https://e.com/s.png', 'https://e.com/e.png'], cfg_scale: 0.5 }));
		const c = await post({ ...motion({ prompt: 'same character', negative_prompt: 'extra limbs' }), source: 'n8n' });
		for (const r of [a, b, c]) {
			expect(r.status).toBe(200);
			expect(r.json).toEqual({ code: 200, message: 'success', data: { taskId: expect.stringMatching(/^task_[0-9a-f]+$/) } });
		}
		const billed = [a, b, c].map((r) => fake.tasks.get(r.json.data.taskId)!.billedUsd);
		expect(billed).toEqual([0.42, 0.78, 0.65]);
		expect(fake.tasks.get(c.json.data.taskId)!.source).toBe('n8n');
		expect((await call('/apikeys/current-balance')).json).toEqual({ code: 200, message: 'success', data: 98.15 });
		expect(fake.stats).toMatchObject({ submits: 3, acceptedSubmits: 3, balanceReads: 1 });
	});

	test.each<[string, unknown]>([
		['minimal text-to-video (duration, sound, aspect_ratio absent)', { request_type: 'async', input: { mode: 'text-to-video', prompt: 'x' } }],
		['duration bounds 3 and 15', text({ duration: 3 })],
		['duration 15', text({ duration: 15 })],
		['2500-char prompt', text({ prompt: 'x'.repeat(2500) })],
		['cfg_scale 0 and 1', text({ cfg_scale: 0 })],
		['multi_prompt against default duration 5', text({ duration: undefined, multi_prompt: [{ prompt: 'a', duration: 5 }] })],
		['image-to-video without end frame', image()],
		['motion-control without prompt, video URL with query', motion({ video_urls: ['https://e.com/m.MOV?sig=1'] })],
		['motion-control .m4v', motion({ video_urls: ['http://e.com/m.m4v'] })],
		['callback to https', text({}, { request_type: 'callback', callback_url: 'https://hooks.example.com/x' })],
		['callback to loopback http', text({}, { request_type: 'callback', callback_url: 'http://127.0.0.1:9/cb' })],
	])('accepts %s', async (_name, body) => {
		expect((await post(body)).status).toBe(200);
	});

	test.each<[string, unknown, RegExp]>([
		['non-JSON body', '{"request_type":', /not valid JSON/],
		['array body', [], /JSON object/],
		['missing request_type', omit(text(), 'request_type'), /request_type is required/],
		['bad request_type', text({}, { request_type: 'sync' }), /request_type must be async or callback/],
		['callback without callback_url', text({}, { request_type: 'callback' }), /callback_url is required/],
		['callback_url with async', text({}, { callback_url: 'https://e.com/cb' }), /only used when request_type is callback/],
		['non-URL callback_url', text({}, { request_type: 'callback', callback_url: 'not a url' }), /callback_url must be an https URL/],
		['public http callback_url', text({}, { request_type: 'callback', callback_url: 'http://e.com/cb' }), /callback_url must be an https URL/],
		['unknown top-level key', text({}, { model: 'x' }), /unknown key\(s\) model/],
		['non-string source', text({}, { source: 1 }), /source must be a string/],
		['missing input', { request_type: 'async' }, /input is required/],
		['unknown mode', text({ mode: 'video' }), /input.mode must be one of/],
		['missing prompt', { request_type: 'async', input: { mode: 'text-to-video' } }, /input.prompt is required/],
		['empty prompt', text({ prompt: '' }), /input.prompt must not be empty/],
		['prompt over 2500', text({ prompt: 'x'.repeat(2501) }), /at most 2500/],
		['image-to-video without prompt', image({ prompt: undefined }), /input.prompt is required/],
		['duration 2', text({ duration: 2 }), /input.duration must be between 3 and 15/],
		['duration 16', image({ duration: 16 }), /input.duration must be between 3 and 15/],
		['duration 5.5', text({ duration: 5.5 }), /input.duration must be an integer/],
		['duration as string', text({ duration: '5' }), /input.duration must be a number/],
		['bad aspect_ratio', text({ aspect_ratio: '4:3' }), /input.aspect_ratio must be one of/],
		['aspect_ratio on image-to-video', image({ aspect_ratio: '16:9' }), /aspect_ratio is not supported for image-to-video/],
		['aspect_ratio on motion-control', motion({ aspect_ratio: '16:9' }), /aspect_ratio is not supported for motion-control/],
		['sound as string', text({ sound: 'false' }), /input.sound must be a boolean/],
		['cfg_scale 1.5', text({ cfg_scale: 1.5 }), /input.cfg_scale must be between 0 and 1/],
		['cfg_scale -0.1', image({ cfg_scale: -0.1 }), /input.cfg_scale must be between 0 and 1/],
		['negative_prompt number', text({ negative_prompt: 3 }), /input.negative_prompt must be a string/],
		['multi_prompt sum', text({ multi_prompt: [{ prompt: 'a', duration: 2 }, { prompt: 'b', duration: 2 }] }), /add up to 4 but duration is 5/],
		['multi_prompt empty', text({ multi_prompt: [] }), /at least one shot/],
		['shot without prompt', text({ multi_prompt: [{ prompt: '', duration: 5 }] }), /input.multi_prompt.0.prompt must not be empty/],
		['shot duration 0', text({ multi_prompt: [{ prompt: 'a', duration: 0 }] }), /input.multi_prompt.0.duration must be at least 1/],
		['shot extra key', text({ multi_prompt: [{ prompt: 'a', duration: 5, camera: 'x' }] }), /unknown key\(s\) camera/],
		['multi_prompt on image-to-video', image({ multi_prompt: [{ prompt: 'a', duration: 6 }] }), /multi_prompt is not supported/],
		['image_urls on text-to-video', text({ image_urls: ['https://e.com/a.png'] }), /image_urls is not supported for text-to-video/],
		['image-to-video without image_urls', image({ image_urls: undefined }), /input.image_urls is required/],
		['image-to-video 0 images', image({ image_urls: [] }), /input.image_urls must have 1 or 2 URLs/],
		['image-to-video 3 images', image({ image_urls: ['https://e.com/1', 'https://e.com/2', 'https://e.com/3'] }), /1 or 2 URLs/],
		['non-http image URL', image({ image_urls: ['ftp://e.com/a.png'] }), /input.image_urls.0 must be an http\(s\) URL/],
		['duration on motion-control', motion({ duration: 5 }), /duration is not supported for motion-control/],
		['motion-control 2 images', motion({ image_urls: ['https://e.com/1', 'https://e.com/2'] }), /input.image_urls must have exactly 1 URL/],
		['motion-control without video', motion({ video_urls: undefined }), /input.video_urls is required/],
		['motion-control 2 videos', motion({ video_urls: ['https://e.com/1.mp4', 'https://e.com/2.mp4'] }), /exactly 1 URL/],
		['motion-control gif video', motion({ video_urls: ['https://e.com/m.gif'] }), /MP4, MOV or M4V/],
		['bad character_orientation', motion({ character_orientation: 'left' }), /character_orientation must be video or image/],
		['character_orientation on text', text({ character_orientation: 'video' }), /character_orientation is not supported/],
		['video_urls on image-to-video', image({ video_urls: ['https://e.com/m.mp4'] }), /video_urls is not supported/],
		['unknown input key', text({ seed: 1 }), /input: unknown key\(s\) seed/],
	])('rejects %s with 400', async (_name, body, message) => {
		const r = await post(body);
		expect(r.status).toBe(400);
		expect(r.json).toEqual({ code: 400, message: expect.stringMatching(message) });
		expect(fake.tasks.size).toBe(0);
		expect(fake.getBalance()).toBe(100);
		expect(fake.stats.lastSubmitBodies).toHaveLength(1);
	});

	test('requires a JSON content type', async () => {
		const r = await post(text(), { headers: { 'content-type': 'text/plain' } });
		expect(r.json).toEqual({ code: 400, message: 'Content-Type must be application/json' });
	});

	test('sound defaults to true (billed as such) and whether it was sent is recorded', async () => {
		const r = await post(text({ sound: undefined }));
		const task = fake.tasks.get(r.json.data.taskId)!;
		expect(task).toMatchObject({ sound: true, soundSent: false, billedSeconds: 5, billedUsd: 0.65 });
	});

	test('counts repeated submits of the same input, whatever the key order', async () => {
		await post(text());
		await post({ input: { sound: false, aspect_ratio: '16:9', duration: 5, prompt: 'a skyline', mode: 'text-to-video' }, request_type: 'async' });
		await post(text({ prompt: 'other' }));
		expect([...fake.stats.submitsByTask.values()].sort()).toEqual([1, 2]);
	});
});

describe('motion-control billing', () => {
	test('bills max(3, probed seconds) at $0.13 and rejects references over 30 s', async () => {
		await start({ motionVideoSeconds: (url) => (url.includes('short') ? 2 : 31) });
		const ok = await post(motion({ video_urls: ['https://e.com/short.mp4'] }));
		expect(fake.tasks.get(ok.json.data.taskId)).toMatchObject({ billedSeconds: 3, billedUsd: 0.39 });
		const long = await post(motion());
		expect(long.status).toBe(400);
		expect(long.json.message).toMatch(/at most 30 s/);
	});
});

describe('auth, balance and routing', () => {
	beforeEach(() => start({ apiKey: 'k1', balance: 0.5 }));

	test.each([
		['no header', null],
		['wrong key', 'nope'],
	])('401 with %s, on every API endpoint', async (_name, key) => {
		const headers: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key}` };
		for (const r of [
			await post(text(), { key: null, headers: { ...headers, 'content-type': 'application/json' } }),
			await call('/statusTask/kling-3-0-std?taskId=task_x', { key: null, headers }),
			await call('/apikeys/current-balance', { key: null, headers }),
		]) {
			expect(r.status).toBe(401);
			expect(r.json).toEqual({ code: 401, message: 'invalid or missing API key' });
		}
		expect(fake.tasks.size).toBe(0);
	});

	test('402 when the balance does not cover the task; setBalance refills', async () => {
		const poor = await post(text({ sound: true }), { key: 'k1' });
		expect(poor.status).toBe(402);
		expect(poor.json.code).toBe(402);
		expect((await post(text(), { key: 'k1' })).status).toBe(200);
		expect(fake.getBalance()).toBe(0.08);
		fake.setBalance(10);
		expect((await call('/apikeys/current-balance', { key: 'k1' })).json.data).toBe(10);
	});

	test('404 for unknown tasks, models and paths; 400 without taskId', async () => {
		expect((await call('/statusTask/kling-3-0-std?taskId=task_nope', { key: 'k1' })).json).toEqual({ code: 404, message: 'task not found' });
		expect((await call('/statusTask/kling-3-0-std?taskId=task_nope', { key: 'k1' })).status).toBe(404);
		expect((await call('/generateTask/kling-2-6', { method: 'POST', key: 'k1', body: '{}' })).status).toBe(404);
		expect((await call('/statusTask/kling-9?taskId=x', { key: 'k1' })).status).toBe(404);
		expect((await call('/nothing', { key: 'k1' })).status).toBe(404);
		expect((await call('/statusTask/kling-3-0-std', { key: 'k1' })).status).toBe(400);
		expect(fake.stats.statusReadsByTask.get('task_nope')).toBe(2);
	});
});

describe('task lifecycle', () => {
	test('pending → processing → success, with resultJson as a JSON string', async () => {
		await start({ taskDurationMs: 600, resultUrlsPerTask: 2 });
		const id = (await post(text())).json.data.taskId;
		const first = await status(id);
		expect(first.json).toEqual({ code: 200, message: 'success', data: { taskId: id, state: 'pending', createTime: expect.any(Number) } });
		await sleep(120);
		expect((await status(id)).json.data.state).toBe('processing');
		await sleep(550);
		const done = (await status(id)).json.data;
		expect(done).toMatchObject({ taskId: id, state: 'success', createTime: first.json.data.createTime, costTime: 600 });
		expect(done.completeTime).toBe(done.createTime + 600);
		const urls = JSON.parse(done.resultJson).resultUrls as string[];
		expect(urls).toEqual([`${fake.baseUrl}/files/${id}/0.mp4`, `${fake.baseUrl}/files/${id}/1.mp4`]);
		expect(fake.stats.statusReads).toBe(3);
	});

	test('outcome makes tasks fail or never finish; duration function gets input and index', async () => {
		const durations: number[] = [];
		await start({
			taskDurationMs: (_input, index) => (durations.push(index), 10),
			outcome: (input, index) =>
				index === 0 ? { failCode: 'CONTENT_VIOLATION' } : 'prompt' in input && input.prompt === 'stuck' ? { neverFinishes: true } : undefined,
		});
		const failed = (await post(text())).json.data.taskId;
		const stuck = (await post(text({ prompt: 'stuck' }))).json.data.taskId;
		await sleep(30);
		expect((await status(failed)).json.data).toEqual({
			taskId: failed,
			state: 'failed',
			failCode: 'CONTENT_VIOLATION',
			failMsg: 'Content does not meet safety guidelines',
			createTime: expect.any(Number),
			completeTime: expect.any(Number),
		});
		expect((await status(stuck)).json.data.state).toBe('processing');
		fake.completeNow(stuck);
		expect((await status(stuck)).json.data.state).toBe('success');
		expect(durations).toEqual([0, 1]);
	});
});

describe('result files', () => {
	const boxes = (b: Buffer) => {
		const out: string[] = [];
		for (let at = 0; at < b.length; at += b.readUInt32BE(at)) out.push(b.toString('latin1', at + 4, at + 8));
		return out;
	};

	test('the default video is a small well-formed MP4 (ftyp, moov, mdat)', () => {
		const mp4 = smallMp4();
		expect(mp4.length).toBeLessThan(8192);
		expect(boxes(mp4)).toEqual(['ftyp', 'moov', 'mdat']);
		expect(mp4.includes(Buffer.from('avc1'))).toBe(true);
	});

	test('serves every result URL with the right bytes; HEAD; 404 before success', async () => {
		await start({ taskDurationMs: 50, resultUrlsPerTask: 3 });
		const id = (await post(text())).json.data.taskId;
		expect((await fetch(`${fake.baseUrl}/files/${id}/0.mp4`)).status).toBe(404);
		await sleep(70);
		const urls = JSON.parse((await status(id)).json.data.resultJson).resultUrls as string[];
		for (const url of urls) {
			const res = await fetch(url);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('video/mp4');
			const bytes = Buffer.from(await res.arrayBuffer());
			expect(bytes.equals(smallMp4())).toBe(true);
			expect(res.headers.get('content-length')).toBe(String(bytes.length));
		}
		const head = await fetch(urls[0], { method: 'HEAD' });
		expect(head.headers.get('content-length')).toBe(String(smallMp4().length));
		expect((await head.arrayBuffer()).byteLength).toBe(0);
		expect((await fetch(`${fake.baseUrl}/files/${id}/3.mp4`)).status).toBe(404);
		expect(fake.stats.downloads).toBe(5); // every GET, 404s included; HEAD not counted
	});

	test('custom videoBytes and a large generated stream', async () => {
		await start({ taskDurationMs: 0, videoBytes: Buffer.from('not really') });
		let id = (await post(text())).json.data.taskId;
		expect(await (await fetch(`${fake.baseUrl}/files/${id}/0.mp4`)).text()).toBe('not really');
		await fake.close();
		const size = 48 * 1024 * 1024 + 123;
		await start({ taskDurationMs: 0, largeFileBytes: size });
		id = (await post(text())).json.data.taskId;
		const res = await fetch(`${fake.baseUrl}/files/${id}/0.mp4`);
		expect(res.headers.get('content-length')).toBe(String(size));
		const reader = res.body!.getReader();
		let total = 0;
		let head: Buffer | undefined;
		for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
			head ??= Buffer.from(chunk.value.subarray(0, 8));
			total += chunk.value.length;
		}
		expect(total).toBe(size);
		expect(head!.toString('latin1', 4, 8)).toBe('ftyp');
	});
});

describe('faults', () => {
	beforeEach(() => start({ taskDurationMs: 0 }));

	test('are consumed in order by matching requests', async () => {
		fake.inject({ on: 'submit', kind: 'http', status: 429, retryAfterSeconds: 2 });
		fake.inject({ on: 'submit', kind: 'http', status: 502 });
		fake.inject({ on: 'status', kind: 'http', status: 503, times: 2 });
		const a = await post(text());
		expect([a.status, a.headers.get('retry-after'), a.json]).toEqual([429, '2', { code: 429, message: 'rate limit exceeded' }]);
		expect((await post(text())).status).toBe(502);
		expect(fake.tasks.size).toBe(0);
		const id = (await post(text())).json.data.taskId;
		expect([(await status(id)).status, (await status(id)).status, (await status(id)).status]).toEqual([503, 503, 200]);
		expect(fake.stats.submitsByTask.get(JSON.stringify(Object.fromEntries(Object.entries(text().input).sort())))).toBe(3);
	});

	test('acceptAnyway creates and charges the task but answers the error (504, reset)', async () => {
		fake.inject({ on: 'submit', kind: 'http', status: 504, acceptAnyway: true });
		fake.inject({ on: 'submit', kind: 'reset', acceptAnyway: true });
		expect((await post(text())).status).toBe(504);
		await expect(post(text())).rejects.toThrow();
		expect(fake.tasks.size).toBe(2);
		expect(fake.getBalance()).toBe(99.16);
	});

	test('reset and refuse drop the connection without creating a task', async () => {
		fake.inject({ on: 'submit', kind: 'reset' });
		fake.inject({ on: 'submit', kind: 'refuse' });
		await expect(post(text())).rejects.toThrow();
		await expect(post(text())).rejects.toThrow();
		expect(fake.tasks.size).toBe(0);
		expect((await post(text())).status).toBe(200);
		expect(fake.stats.lastSubmitBodies).toHaveLength(2); // a refused request is never read
	});

	test('malformedJson truncates a 200 body; delay outlasts a client timeout', async () => {
		const id = (await post(text())).json.data.taskId;
		fake.inject({ on: 'status', kind: 'malformedJson' });
		const bad = await status(id);
		expect(bad.status).toBe(200);
		expect(() => JSON.parse(bad.text)).toThrow();
		fake.inject({ on: 'submit', kind: 'delay', ms: 300 });
		await expect(post(text(), { signal: AbortSignal.timeout(50) })).rejects.toThrow();
		expect(fake.tasks.size).toBe(2); // the slow submit was still taken
	});

	test('taskId-targeted faults, on:any, clearFaults and faultEvery', async () => {
		const [a, b] = [(await post(text())).json.data.taskId, (await post(text())).json.data.taskId];
		fake.inject({ on: 'status', taskId: b, kind: 'http', status: 500 });
		expect((await status(a)).status).toBe(200);
		expect((await status(b)).status).toBe(500);
		fake.inject({ on: 'any', kind: 'http', status: 503 });
		expect((await call('/apikeys/current-balance')).status).toBe(503);
		fake.inject({ on: 'status', kind: 'http', status: 500, times: 5 });
		fake.clearFaults();
		expect((await status(a)).status).toBe(200);
		await fake.close();
		await start({ faultEvery: { on: 'status', every: 3, fault: { kind: 'http', status: 503 } } });
		const id = (await post(text())).json.data.taskId;
		const codes = [];
		for (let i = 0; i < 6; i++) codes.push((await status(id)).status);
		expect(codes).toEqual([200, 200, 503, 200, 200, 503]);
	});
});

test('rate limit answers 429 with Retry-After: 1 beyond R requests per sliding second', async () => {
	await start({ rateLimitPerSecond: 4, taskDurationMs: 0 });
	const answers = await Promise.all(Array.from({ length: 6 }, () => call('/apikeys/current-balance')));
	const limited = answers.filter((a) => a.status === 429);
	expect(limited).toHaveLength(2);
	expect(limited[0].headers.get('retry-after')).toBe('1');
	expect(fake.stats.rateLimited).toBe(2);
	await sleep(1010);
	expect((await call('/apikeys/current-balance')).status).toBe(200);
});

describe('callbacks', () => {
	let receiver: http.Server;
	let received: { body: any }[];
	let script: number[];
	let url: string;
	beforeEach(async () => {
		received = [];
		script = [];
		receiver = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				received.push({ body: JSON.parse(body) });
				res.writeHead(script.shift() ?? 200).end();
			});
		});
		await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
		url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});
	afterEach(async () => {
		await fake?.close();
		receiver.closeAllConnections();
		await new Promise((r) => receiver.close(r));
	});
	const submitCallback = async (input: Record<string, unknown> = {}, to = url) =>
		(await post(text(input, { request_type: 'callback', callback_url: to }))).json.data.taskId as string;

	test('POSTs the final payload at readyAt', async () => {
		await start({ taskDurationMs: 50 });
		const id = await submitCallback();
		await sleep(100);
		await fake.callbacksSettled();
		expect(received).toHaveLength(1);
		expect(received[0].body).toEqual({ code: 200, message: 'success', data: (await status(id)).json.data });
		expect(received[0].body.data).toMatchObject({ taskId: id, state: 'success', costTime: 50, resultJson: expect.any(String) });
		expect(fake.stats.callbacks).toEqual([{ taskId: id, url, status: 200, attempt: 1, redelivery: false }]);
	});

	test('retries non-2xx up to 3 more times, and network errors too', async () => {
		await start({ taskDurationMs: 0, callbackRetryDelayMs: 5, outcome: () => ({ failCode: 'UPSTREAM_ERROR', failMsg: 'boom' }) });
		script = [500, 503, 200];
		const id = await submitCallback();
		await sleep(20);
		await fake.callbacksSettled();
		expect(fake.stats.callbacks.map((c) => [c.attempt, c.status])).toEqual([[1, 500], [2, 503], [3, 200]]);
		expect(received[2].body.data).toMatchObject({ taskId: id, state: 'failed', failCode: 'UPSTREAM_ERROR', failMsg: 'boom' });
		fake.stats.callbacks.length = 0;
		await submitCallback({}, 'http://127.0.0.1:9/closed');
		await sleep(20);
		await fake.callbacksSettled();
		expect(fake.stats.callbacks.map((c) => [c.attempt, c.status])).toEqual([[1, 0], [2, 0], [3, 0], [4, 0]]);
	});

	test('deliverCallbacksTwice redelivers; deliverCallbackNow finishes and delivers at once', async () => {
		await start({ taskDurationMs: 60_000, deliverCallbacksTwice: true });
		const id = await submitCallback();
		await fake.deliverCallbackNow(id);
		expect(received).toHaveLength(2);
		expect(received[1].body).toEqual(received[0].body);
		expect(received[0].body.data.state).toBe('success');
		expect(fake.stats.callbacks.map((c) => c.redelivery)).toEqual([false, true]);
	});
});

test('handles a burst of 500 concurrent submits and reads', async () => {
	await start({ balance: 1000, taskDurationMs: 0 });
	const ids = await Promise.all(Array.from({ length: 500 }, (_, i) => post(text({ prompt: `p${i}` })).then((r) => r.json.data.taskId)));
	expect(new Set(ids).size).toBe(500);
	const states = await Promise.all(ids.map((id) => status(id).then((r) => r.json.data.state)));
	expect(states.every((s) => s === 'success')).toBe(true);
	expect(fake.getBalance()).toBe(790);
});

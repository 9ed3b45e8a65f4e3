import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { FakeApixo } from '../fake-apixo';
import type { ActivatedTrigger } from '../harness';
import { WebhookServer, readBinary } from '../harness';
import { klingOutput, runKling, startFake, textToVideo } from '../support/kling';

const TOKEN = 'a-long-random-secret-token-123456';
const TRIGGER = 'APIXO Trigger';

let fake: FakeApixo;
let server: WebhookServer;
beforeEach(async () => (server = await WebhookServer.start()));
afterEach(async () => {
	await fake.close();
	await server.close();
});

function activateTrigger(options: INodeParameters = {}): ActivatedTrigger {
	return server.activate({
		triggerNodeName: TRIGGER,
		nodes: [
			{
				id: 'trigger',
				name: TRIGGER,
				type: 'n8n-nodes-apixo.apixoTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { secretToken: TOKEN, options },
			},
		],
		connections: {},
	});
}

/** Submits one video with Wait Mode "Callback" pointed at the trigger, as a user's workflow does. */
async function submitTo(callbackUrl: string, prompt = 'a lighthouse at dawn') {
	const result = await runKling(fake, {
		parameters: textToVideo({
			prompt,
			waitMode: 'callback',
			callbackUrl,
			options: { allowPrivateCallbackUrl: true },
		}),
	});
	return String(klingOutput(result)[0].json.taskId);
}

async function post(url: string, body: unknown) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: response.status, body: (await response.json()) as IDataObject };
}

const finishedPayload = (taskId: string, videoUrl: string) => ({
	taskId,
	state: 'success',
	resultJson: JSON.stringify({ resultUrls: [videoUrl] }),
	createTime: 1767965610929,
	completeTime: 1767965712317,
	costTime: 101388,
});

describe('APIXO Trigger', () => {
	it('starts the workflow with the video items when APIXO calls back', async () => {
		fake = await startFake({ taskDurationMs: 100 });
		const trigger = activateTrigger();
		const taskId = await submitTo(`${trigger.url}?token=${TOKEN}`);
		await fake.callbacksSettled();
		await trigger.settled();
		expect(trigger.responses).toEqual([{ statusCode: 200, body: { received: true, taskId, started: true } }]);
		expect(trigger.executions).toHaveLength(1);
		const [item] = trigger.executions[0].output(TRIGGER);
		const task = fake.tasks.get(taskId)!;
		expect(item.json).toMatchObject({
			taskId,
			model: 'kling-3-0-std',
			state: 'success',
			videoUrl: task.resultUrls[0],
			videoIndex: 0,
			videoUrls: task.resultUrls,
			costTimeMs: expect.any(Number),
		});
		const served = Buffer.from(await (await fetch(task.resultUrls[0])).arrayBuffer());
		expect(await readBinary(item)).toEqual(served);
	});

	it('starts the workflow once when APIXO delivers the same task twice', async () => {
		fake = await startFake({ taskDurationMs: 100, deliverCallbacksTwice: true });
		const trigger = activateTrigger();
		const taskId = await submitTo(`${trigger.url}?token=${TOKEN}`);
		await fake.callbacksSettled();
		await trigger.settled();
		expect(fake.stats.callbacks.filter((call) => call.taskId === taskId && call.status === 200)).toHaveLength(2);
		expect(trigger.responses[1]).toEqual({
			statusCode: 200,
			body: { received: true, taskId, started: false, reason: 'duplicate delivery' },
		});
		expect(trigger.executions).toHaveLength(1);
	});

	it('refuses a caller without the right token with 403, and starts nothing', async () => {
		fake = await startFake();
		const trigger = activateTrigger();
		const payload = finishedPayload('task_forged', 'https://example.com/v.mp4');
		expect((await post(`${trigger.url}?token=wrong-token-wrong-token-12`, payload)).status).toBe(403);
		expect((await post(trigger.url, payload)).status).toBe(403);
		await trigger.settled();
		expect(trigger.executions).toHaveLength(0);
	});

	it.each([
		['no task ID', { state: 'success' }],
		['an unknown state', { taskId: 't', state: 'exploded' }],
		['a string body', 'hello'],
		['an envelope without data', { code: 200, message: 'success' }],
	])('refuses a body with %s with 400', async (_, body) => {
		fake = await startFake();
		const trigger = activateTrigger();
		const answer = await post(`${trigger.url}?token=${TOKEN}`, body);
		expect(answer.status).toBe(400);
		expect(answer.body.error).toMatch(/not an APIXO task payload/);
		await trigger.settled();
		expect(trigger.executions).toHaveLength(0);
	});

	it('accepts the bare data object as well as the status envelope', async () => {
		fake = await startFake({ taskDurationMs: 10 });
		const [taskId] = [await submitTo('https://example.com/unused?token=unused')];
		await new Promise((resolve) => setTimeout(resolve, 50));
		const videoUrl = fake.tasks.get(taskId)!.resultUrls[0];
		const trigger = activateTrigger();
		expect((await post(`${trigger.url}?token=${TOKEN}`, finishedPayload(taskId, videoUrl))).status).toBe(200);
		await trigger.settled();
		expect(trigger.executions[0].output(TRIGGER)[0].json).toMatchObject({ taskId, videoUrl });
	});

	it('starts nothing for a failed task unless asked to', async () => {
		fake = await startFake({ taskDurationMs: 50, outcome: () => ({ failCode: 'CONTENT_VIOLATION' }) });
		const trigger = activateTrigger();
		await submitTo(`${trigger.url}?token=${TOKEN}`);
		await fake.callbacksSettled();
		await trigger.settled();
		expect(trigger.responses[0].body).toMatchObject({ started: false, reason: 'failed tasks are not included' });
		expect(trigger.executions).toHaveLength(0);
	});

	it('passes a failed task on as an item when Include Failed Tasks is on', async () => {
		fake = await startFake({ taskDurationMs: 50, outcome: () => ({ failCode: 'CONTENT_VIOLATION' }) });
		const trigger = activateTrigger({ includeFailed: true });
		const taskId = await submitTo(`${trigger.url}?token=${TOKEN}`);
		await fake.callbacksSettled();
		await trigger.settled();
		expect(trigger.executions[0].output(TRIGGER)[0].json).toMatchObject({
			taskId,
			state: 'failed',
			failCode: 'CONTENT_VIOLATION',
			failMsg: expect.any(String),
			error: expect.stringContaining('CONTENT_VIOLATION'),
		});
	});

	it('still starts the workflow, with the URL, when the video cannot be downloaded', async () => {
		fake = await startFake({ taskDurationMs: 50 });
		fake.inject({ on: 'download', kind: 'http', status: 500, times: 10 });
		const trigger = activateTrigger();
		const taskId = await submitTo(`${trigger.url}?token=${TOKEN}`);
		await fake.callbacksSettled();
		await trigger.settled();
		const [item] = trigger.executions[0].output(TRIGGER);
		expect(item.json).toMatchObject({ taskId, state: 'success', downloadError: expect.stringMatching(/Could not download/) });
		expect(item.binary).toBeUndefined();
	});
});

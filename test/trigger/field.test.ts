import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { FakeApixo } from '../fake-apixo';
import type { ActivatedTrigger } from '../harness';
import { WebhookServer } from '../harness';
import { TEST_API_KEY, klingOutput, runKling, startFake, textToVideo } from '../support/kling';

const TRIGGER = 'APIXO Trigger';
/** What a password generator gives: every character a URL treats specially. */
const GENERATED_TOKEN = 'q+7/Zk&x=9%Lm2@pW!';

let fake: FakeApixo;
let server: WebhookServer;
beforeEach(async () => (server = await WebhookServer.start()));
afterEach(async () => {
	await fake.close();
	await server.close();
});

function activateTrigger(parameters: INodeParameters): ActivatedTrigger {
	return server.activate({
		triggerNodeName: TRIGGER,
		nodes: [
			{
				id: 'trigger',
				name: TRIGGER,
				type: 'n8n-nodes-apixo.apixoTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { options: {}, ...parameters },
				credentials: { apixoApi: { id: 'apixoApi-id', name: 'apixoApi (test)' } },
			},
		],
		connections: {},
		credentials: { apixoApi: { apiKey: TEST_API_KEY, baseUrl: fake.baseUrl } },
	});
}

async function submitTo(callbackUrl: string, prompt = 'a lighthouse at dawn') {
	const result = await runKling(fake, {
		parameters: textToVideo({ prompt, waitMode: 'callback', callbackUrl, options: { allowPrivateCallbackUrl: true } }),
	});
	return String(klingOutput(result)[0].json.taskId);
}

async function post(url: string, body: unknown) {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return { status: response.status, body: (await response.json()) as IDataObject };
}

describe('APIXO Trigger, as users set it up', () => {
	it.each([
		['pasted as typed', GENERATED_TOKEN],
		['percent-encoded', encodeURIComponent(GENERATED_TOKEN)],
	])('matches a generated Secret Token %s', async (_, inUrl) => {
		fake = await startFake({ taskDurationMs: 50 });
		const trigger = activateTrigger({ secretToken: GENERATED_TOKEN });
		const taskId = await submitTo(`${trigger.url}?token=${inUrl}`);
		await fake.callbacksSettled();
		await trigger.settled();
		expect(trigger.responses.map((answer) => answer.statusCode)).toEqual([200]);
		expect(trigger.executions[0].output(TRIGGER)[0].json).toMatchObject({ taskId, state: 'success' });
	});

	it('passes the callback URL’s own query on, so each row can be matched to its video', async () => {
		fake = await startFake({ taskDurationMs: 50 });
		const token = 'a-long-random-secret-token-123456';
		const trigger = activateTrigger({ secretToken: token });
		await submitTo(`${trigger.url}?token=${token}&row=12&sheet=social`);
		await fake.callbacksSettled();
		await trigger.settled();
		expect(trigger.executions[0].output(TRIGGER)[0].json.callbackQuery).toEqual({ row: '12', sheet: 'social' });
	});

	it('starts the workflow with an item naming the task when a paid success carries no readable video', async () => {
		fake = await startFake();
		const token = 'a-long-random-secret-token-123456';
		const trigger = activateTrigger({ secretToken: token, options: { download: false } });
		const body = { code: 200, message: 'success', data: { taskId: 'task_paid', state: 'success', resultJson: '{"resultUrls":[]}' } };
		expect((await post(`${trigger.url}?token=${token}`, body)).status).toBe(200);
		await trigger.settled();
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0].output(TRIGGER)[0].json).toMatchObject({ taskId: 'task_paid', error: expect.stringContaining('task_paid') });
	});

	it('accepts resultJson as an object as well as a string', async () => {
		fake = await startFake();
		const token = 'a-long-random-secret-token-123456';
		const trigger = activateTrigger({ secretToken: token, options: { download: false } });
		const body = { code: 200, message: 'success', data: { taskId: 'task_obj', state: 'success', resultJson: { resultUrls: ['https://cdn.apixo.ai/output/v.mp4'] } } };
		expect((await post(`${trigger.url}?token=${token}`, body)).status).toBe(200);
		await trigger.settled();
		expect(trigger.executions[0].output(TRIGGER)[0].json).toMatchObject({ taskId: 'task_obj', videoUrl: 'https://cdn.apixo.ai/output/v.mp4' });
	});

	it('with Confirm With APIXO, takes the video from APIXO’s answer, never from the caller', async () => {
		fake = await startFake({ taskDurationMs: 30 });
		const token = 'a-long-random-secret-token-123456';
		const taskId = await submitTo('https://example.com/unused?token=unused');
		await new Promise((resolve) => setTimeout(resolve, 80));
		const trigger = activateTrigger({ secretToken: token, confirmWithApixo: true, options: { download: false } });
		const forged = { code: 200, message: 'success', data: { taskId, state: 'success', resultJson: JSON.stringify({ resultUrls: ['https://attacker.example/x.mp4'] }) } };
		expect((await post(`${trigger.url}?token=${token}`, forged)).status).toBe(200);
		await trigger.settled();
		expect(trigger.executions[0].output(TRIGGER)[0].json.videoUrl).toBe(fake.tasks.get(taskId)!.resultUrls[0]);
		expect(fake.stats.statusReads).toBe(1);
	});

	it('with Confirm With APIXO, refuses a "success" for a task APIXO says still renders, and answers 503 when it cannot read', async () => {
		fake = await startFake({ taskDurationMs: 60_000 });
		const token = 'a-long-random-secret-token-123456';
		const taskId = await submitTo('https://example.com/unused?token=unused');
		const trigger = activateTrigger({ secretToken: token, confirmWithApixo: true });
		const claim = { code: 200, message: 'success', data: { taskId, state: 'success', resultJson: '{"resultUrls":["https://attacker.example/x.mp4"]}' } };
		expect((await post(`${trigger.url}?token=${token}`, claim)).status).toBe(409);
		fake.inject({ on: 'status', kind: 'http', status: 500, times: 1 });
		expect((await post(`${trigger.url}?token=${token}`, claim)).status).toBe(503);
		await trigger.settled();
		expect(trigger.executions).toHaveLength(0);
	});
});

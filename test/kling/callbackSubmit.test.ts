import type { FakeApixo } from '../fake-apixo';
import { errorText, klingOutput, runKling, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
beforeEach(async () => (fake = await startFake()));
afterEach(async () => await fake.close());

describe('Wait Mode "Callback" sends the user’s URL and returns at once', () => {
	it('submits request_type callback with the URL and returns submitted items', async () => {
		const callbackUrl = 'https://n8n.example.com/webhook/abc/apixo?token=secret';
		const result = await runKling(fake, {
			parameters: textToVideo({ waitMode: 'callback', callbackUrl }),
			items: [{}, {}],
		});
		expect(result.status).toBe('success');
		expect(fake.stats.lastSubmitBodies[0]).toMatchObject({ request_type: 'callback', callback_url: callbackUrl });
		const items = klingOutput(result);
		expect(items.map((item) => item.json.state)).toEqual(['submitted', 'submitted']);
		expect(items[0].json).toMatchObject({ callbackUrl, model: 'kling-3-0-std', estimatedCostUsd: 0.42 });
		expect(fake.stats.statusReads).toBe(0);
	});

	it.each([
		['an http URL', 'http://n8n.example.com/webhook/x', /must be an https URL/],
		['a localhost URL', 'https://localhost:5678/webhook/x', /private host \(localhost\)/],
		['a private network URL', 'https://192.168.1.20/webhook/x', /private host \(192\.168\.1\.20\)/],
		['no URL at all', '={{ "" }}', /Callback URL is required/],
		['not a URL', 'my webhook', /is not a URL/],
	])('refuses %s before paying', async (_, callbackUrl, message) => {
		const result = await runKling(fake, { parameters: textToVideo({ waitMode: 'callback', callbackUrl }) });
		expect(result.status).toBe('error');
		expect(errorText(result)).toMatch(message);
		expect(fake.stats.submits).toBe(0);
	});

	it('accepts a loopback http URL when Allow Private Callback URL is on (tests, tunnels)', async () => {
		const callbackUrl = 'http://127.0.0.1:5678/webhook/x/apixo?token=secret';
		const result = await runKling(fake, {
			parameters: textToVideo({ waitMode: 'callback', callbackUrl, options: { allowPrivateCallbackUrl: true } }),
		});
		expect(result.status).toBe('success');
		expect(fake.stats.lastSubmitBodies[0]).toMatchObject({ callback_url: callbackUrl });
	});

	it('reads the Callback URL per item, so each row carries its own query', async () => {
		const result = await runKling(fake, {
			parameters: textToVideo({ waitMode: 'callback', callbackUrl: '=https://n8n.example.com/webhook/abc/apixo?token=secret&row={{ $json.row }}' }),
			items: [{ row: 7 }, { row: 8 }],
		});
		expect(result.status).toBe('success');
		expect(fake.stats.lastSubmitBodies.map((body) => new URL(String((body as { callback_url?: string }).callback_url)).searchParams.get('row')).sort()).toEqual(['7', '8']);
	});

	it('refuses a Callback URL without the trigger’s token before paying: every callback would get 403', async () => {
		const result = await runKling(fake, {
			parameters: textToVideo({ waitMode: 'callback', callbackUrl: 'https://n8n.example.com/webhook/abc/apixo' }),
		});
		expect(result.status).toBe('error');
		expect(errorText(result)).toMatch(/has no \?token=/);
		expect(fake.stats.submits).toBe(0);
	});

	it('refuses the trigger’s Test URL for a batch (it takes one call), and takes it for one item', async () => {
		const callbackUrl = 'https://n8n.example.com/webhook-test/abc/apixo?token=secret';
		const batch = await runKling(fake, { parameters: textToVideo({ waitMode: 'callback', callbackUrl }), items: [{}, {}] });
		expect(batch.status).toBe('error');
		expect(errorText(batch)).toMatch(/Test URL, which takes a single call/);
		expect(fake.stats.submits).toBe(0);
		const single = await runKling(fake, { parameters: textToVideo({ waitMode: 'callback', callbackUrl }) });
		expect(single.status).toBe('success');
		expect(fake.stats.submits).toBe(1);
	});
});

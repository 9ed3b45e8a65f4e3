import type { IExecuteFunctions } from 'n8n-workflow';

import { ApixoClient } from '../../nodes/shared/transport/client';

/** A client whose every request gets this answer (the pacing logic is what is under test). */
async function clientAnswering(answer: { statusCode: number; body: unknown; headers: Record<string, string> }, timeoutMs = 900_000) {
	const ctx = {
		getCredentials: async () => ({ baseUrl: 'http://apixo.test/api/v1' }),
		helpers: { httpRequestWithAuthentication: async () => answer },
	} as unknown as IExecuteFunctions;
	return await ApixoClient.connect(ctx, { requestTimeoutMs: 1000, timeoutMs });
}

const statusRead = { method: 'GET' as const, path: '/statusTask/kling-3-0-std', qs: { taskId: 't' } };

describe('rate limits reach the pacer however APIXO says them', () => {
	it.each([
		['HTTP 429', { statusCode: 429, body: { code: 429, message: 'rate limit' }, headers: { 'retry-after': '5' } }],
		['HTTP 200 with a body code of 429', { statusCode: 200, body: { code: 429, message: 'rate limit', data: null }, headers: { 'retry-after': '5' } }],
	])('%s holds every later request back for Retry-After', async (_, answer) => {
		const client = await clientAnswering(answer);
		const before = Date.now();
		await client.send(statusRead);
		expect(client.heldUntil).toBeGreaterThanOrEqual(before + 5000);
	});

	it('a success holds nothing back', async () => {
		const client = await clientAnswering({ statusCode: 200, body: { code: 200, data: {} }, headers: { 'retry-after': '5' } });
		await client.send(statusRead);
		expect(client.heldUntil).toBe(0);
	});

	it('no Retry-After holds requests back longer than the run’s Timeout', async () => {
		const client = await clientAnswering({ statusCode: 429, body: {}, headers: { 'retry-after': '3600' } }, 2000);
		const before = Date.now();
		await client.send(statusRead);
		expect(client.heldUntil).toBeGreaterThanOrEqual(before + 2000);
		expect(client.heldUntil).toBeLessThanOrEqual(Date.now() + 2000);
	});

	it('a one-second Retry-After holds requests only until the oldest request let through in the last second is a second old', async () => {
		const answers = [
			{ statusCode: 200, body: { code: 200, data: {} }, headers: {} },
			{ statusCode: 429, body: { code: 429, message: 'rate limit' }, headers: { 'retry-after': '1' } },
		];
		const ctx = {
			getCredentials: async () => ({ baseUrl: 'http://apixo.test/api/v1' }),
			helpers: { httpRequestWithAuthentication: async () => answers.shift() },
		} as unknown as IExecuteFunctions;
		const client = await ApixoClient.connect(ctx, { requestTimeoutMs: 1000, timeoutMs: 900_000 });
		const firstSentAt = Date.now();
		await client.send(statusRead);
		// A per-second window that let the first request through frees its slot a second after it.
		await new Promise((resolve) => setTimeout(resolve, 400));
		await client.send(statusRead);
		expect(client.heldUntil).toBeGreaterThan(0);
		expect(client.heldUntil).toBeLessThanOrEqual(firstSentAt + 1000 + 25 + 100);
	});
});

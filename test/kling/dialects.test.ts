import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FakeApixo } from '../fake-apixo';
import { errorText, klingOutput, runKling, startFake, textToVideo } from '../support/kling';

/* The answers APIXO's other pages document (apixo-platform-notes.md), beyond the model page. */

let fake: FakeApixo;
afterEach(async () => await fake.close());

const noDownload = textToVideo({ options: { download: false } });
const getBalance = { resource: 'account', operation: 'getBalance' };

describe('Account → Get Balance', () => {
	it('reads the bare number of USD APIXO answers', async () => {
		fake = await startFake({ balance: 74.87, balanceAnswer: 'number' });
		const result = await runKling(fake, { parameters: getBalance });
		expect(result.status).toBe('success');
		expect(klingOutput(result).map((item) => item.json)).toEqual([{ balanceUsd: 74.87 }]);
	});

	it('also reads a balance object', async () => {
		fake = await startFake({ balance: 3.5, balanceAnswer: 'object' });
		const result = await runKling(fake, { parameters: getBalance });
		expect(klingOutput(result)[0].json).toEqual({ balanceUsd: 3.5 });
	});

	it('gives an error item under Continue On Fail', async () => {
		fake = await startFake();
		const result = await runKling(fake, { parameters: getBalance, apiKey: 'not-the-key', continueOnFail: true });
		expect(result.status).toBe('success');
		expect(klingOutput(result)[0].json.error).toMatch(/Missing or invalid API key/);
	});
});

describe('an HTTP 200 whose body says error', () => {
	it('refuses a submit answered {"code":400,"message":"Insufficient credits"}: nothing was paid', async () => {
		fake = await startFake();
		fake.inject({ on: 'submit', kind: 'errorBody', code: 400, message: 'Insufficient credits', data: null });
		const result = await runKling(fake, { parameters: noDownload });
		const text = errorText(result);
		expect(text).toMatch(/APIXO refused the task: Insufficient balance or quota \(HTTP 400\)/);
		expect(text).toContain('APIXO said: “Insufficient credits”');
		expect(text).not.toMatch(/Unknown whether/);
		expect(fake.stats.submits).toBe(1);
	});

	it('refuses a submit answered {"code":402}', async () => {
		fake = await startFake();
		fake.inject({ on: 'submit', kind: 'errorBody', code: 402 });
		const result = await runKling(fake, { parameters: noDownload, continueOnFail: true });
		const [item] = klingOutput(result);
		expect(item.json.error).toMatch(/Insufficient balance or quota \(HTTP 402\)/);
		expect(item.json.state).not.toBe('unknown');
		expect(fake.stats.submits).toBe(1);
	});

	it('retries a submit answered {"code":429}, like an HTTP 429', async () => {
		fake = await startFake();
		fake.inject({ on: 'submit', kind: 'errorBody', code: 429, message: 'rate limit exceeded' });
		const result = await runKling(fake, { parameters: noDownload });
		expect(result.status).toBe('success');
		expect(fake.stats.submits).toBe(2);
		expect(fake.stats.acceptedSubmits).toBe(1);
	});

	it('reads a status again after {"code":429} and {"code":500} bodies', async () => {
		fake = await startFake();
		fake.inject({ on: 'status', kind: 'errorBody', code: 429 });
		fake.inject({ on: 'status', kind: 'errorBody', code: 500, message: 'internal error' });
		const result = await runKling(fake, { parameters: noDownload });
		expect(klingOutput(result)[0].json.state).toBe('success');
	});
});

describe('503: the model is temporarily unavailable', () => {
	it('resends a submit APIXO refused with its own 503 answer, and pays once', async () => {
		fake = await startFake();
		fake.inject({ on: 'submit', kind: 'http', status: 503, times: 2 });
		const result = await runKling(fake, { parameters: noDownload });
		expect(result.status).toBe('success');
		expect(fake.stats.submits).toBe(3);
		expect(fake.stats.acceptedSubmits).toBe(1);
	});
});

describe('a success without result URLs', () => {
	it('is a final error naming the task, not polled until the Timeout', async () => {
		fake = await startFake({ outcome: () => ({ noResultUrls: true }) });
		const result = await runKling(fake, { parameters: textToVideo({ options: { download: false, timeout: 30 } }) });
		const taskId = [...fake.tasks.keys()][0];
		expect(errorText(result)).toContain(`APIXO task ${taskId} finished as success but gave no video URL`);
		expect(fake.stats.statusReadsByTask.get(taskId)).toBeLessThanOrEqual(6);
	});
});

describe('resultJson as an object', () => {
	it('is read like the JSON string the reference shows', async () => {
		fake = await startFake({ resultJsonAs: 'object' });
		const result = await runKling(fake, { parameters: textToVideo({ options: { download: false, timeout: 5 } }) });
		expect(result.status).toBe('success');
		expect(klingOutput(result)[0].json.videoUrl).toBe([...fake.tasks.values()][0].resultUrls[0]);
	});
});

describe('the open fail-code vocabulary', () => {
	it.each([
		['NSFW_DETECTED', /safety checks.*Change the prompt/],
		['SensitiveContentDetected', /safety checks/],
		['PROMPT_TOO_LONG', /Shorten the prompt/],
		['PromptLengthExceeded', /Shorten the prompt/],
		['INVALID_PROMPT', /could not use the prompt/],
		['IMAGE_TOO_LARGE', /under 10 MB/],
		['UNSUPPORTED_FORMAT', /JPG or PNG image and an MP4/],
		['IMAGE_DOWNLOAD_FAILED', /public, direct JPG/],
		['PROCESSING_TIMEOUT', /did not finish in time/],
		['MODEL_UNAVAILABLE', /temporarily unavailable/],
		['GENERATION_FAILED', /could not generate this video/],
		['INSUFFICIENT_CREDITS', /Add balance/],
	])('%s gets its advice, and APIXO’s failMsg is shown', async (failCode, advice) => {
		fake = await startFake({ outcome: () => ({ failCode, failMsg: `provider says ${failCode}` }) });
		const result = await runKling(fake, { parameters: noDownload });
		const text = errorText(result);
		expect(text).toMatch(advice);
		expect(text).toContain(`${failCode}: provider says ${failCode}`);
	});
});

describe('a TLS handshake that fails sent nothing', () => {
	it('says nothing was charged when the certificate is not trusted', async () => {
		fake = await startFake();
		const host = await startSelfSignedHost();
		try {
			const result = await runKling(fake, { parameters: noDownload, baseUrl: `${host.origin}/api/v1` });
			const text = errorText(result);
			expect(text).toMatch(/Could not connect to APIXO/);
			expect(text).toMatch(/nothing was charged \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)\. The TLS certificate/);
			expect(text).not.toMatch(/Unknown whether|may have been/);
			expect(host.requests()).toBe(0);
		} finally {
			await host.close();
		}
	});
});

/** An https server whose certificate nobody trusts; it counts the HTTP requests that got through. */
async function startSelfSignedHost() {
	const dir = mkdtempSync(join(tmpdir(), 'apixo-tls-'));
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
		'-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
	let requests = 0;
	const server = https.createServer(
		{ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
		(_req, res) => {
			requests++;
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":200,"data":{"taskId":"t"}}');
		},
	);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		origin: `https://127.0.0.1:${port}`,
		requests: () => requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { FakeApixo } from '../fake-apixo';
import { WebhookServer, singleNodeWorkflow } from '../harness';
import type { KlingRun } from '../support/kling';
import { FAST_OPTIONS, KLING_NODE_NAME, KLING_TYPE, TEST_API_KEY, klingOutput, runKling, startFake, textToVideo } from '../support/kling';

/* Dry Run: what a real run would send and pay, for $0: same checks, same body, nothing sent. */

let fake: FakeApixo;
beforeEach(async () => (fake = await startFake()));
afterEach(async () => await fake.close());

/** Rows as a Google Sheets node gives them: every cell a string. */
const SHEET_ROWS = [
	{ prompt: 'a lighthouse at dawn, waves below', duration: '7', sound: 'TRUE', row: '2' },
	{ prompt: 'a red fox trotting through fresh snow', duration: '5', sound: 'no', row: '3' },
];

const fromSheet = (extra: IDataObject) =>
	textToVideo({
		prompt: '={{ $json.prompt }}',
		duration: '={{ $json.duration }}',
		sound: '={{ $json.sound }}',
		additionalFields: { negativePrompt: 'blur, low quality' },
		...extra,
	});

type SentBody = IDataObject & { input: { prompt: string } };

/** The bodies the fake received, in the order of the rows (submits arrive in any order). */
function sentBodiesInRowOrder(): SentBody[] {
	const bodies = fake.stats.lastSubmitBodies as SentBody[];
	return SHEET_ROWS.map((row) => bodies.find((body) => body.input.prompt === row.prompt)!);
}

const costs = (items: INodeExecutionData[]) =>
	items.map(({ json }) => ({ billedSeconds: json.billedSeconds, estimatedCostUsd: json.estimatedCostUsd }));

/** Silent 5 s at $0.084/s, 7 s with sound at $0.13/s. */
const SHEET_COSTS = [
	{ billedSeconds: 7, estimatedCostUsd: 0.91 },
	{ billedSeconds: 5, estimatedCostUsd: 0.42 },
];

function expectPlanned(items: INodeExecutionData[]): void {
	expect(items.map((item) => item.json.state)).toEqual(['planned', 'planned']);
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(items.every((item) => item.json.model === 'kling-3-0-std' && item.json.mode === 'text-to-video')).toBe(true);
}

describe('Dry Run predicts the real run of the same items, and sends nothing', () => {
	it.each<[string, IDataObject]>([
		['Poll', { waitMode: 'poll' }],
		['No Wait', { waitMode: 'none' }],
		['Callback', { waitMode: 'callback', callbackUrl: '=https://n8n.example.com/webhook/abc/apixo?token=secret&row={{ $json.row }}' }],
	])('%s: its request is the body the real run sends, and its cost the real run’s estimate', async (_, waitMode) => {
		const run = (options: IDataObject): KlingRun => ({
			parameters: fromSheet({ ...waitMode, options: { download: false, ...options } }),
			items: SHEET_ROWS,
		});
		const dry = await runKling(fake, run({ dryRun: true }));
		expect(dry.status).toBe('success');
		expect(fake.stats.requests).toBe(0);
		const planned = klingOutput(dry);
		expectPlanned(planned);
		expect(costs(planned)).toEqual(SHEET_COSTS);

		const real = await runKling(fake, run({}));
		expect(real.status).toBe('success');
		expect(fake.stats.submits).toBe(2);
		expect(planned.map((item) => item.json.request)).toStrictEqual(sentBodiesInRowOrder());
		expect(costs(klingOutput(real))).toEqual(costs(planned));
	});

	it('Callback: each request carries its row’s own Callback URL', async () => {
		const result = await runKling(fake, {
			parameters: fromSheet({
				waitMode: 'callback',
				callbackUrl: '=https://n8n.example.com/webhook/abc/apixo?token=secret&row={{ $json.row }}',
				options: { dryRun: true },
			}),
			items: SHEET_ROWS,
		});
		expect(klingOutput(result).map((item) => (item.json.request as IDataObject).callback_url)).toEqual([
			'https://n8n.example.com/webhook/abc/apixo?token=secret&row=2',
			'https://n8n.example.com/webhook/abc/apixo?token=secret&row=3',
		]);
		expect(fake.stats.requests).toBe(0);
	});

	it('takes Dry Run from an expression, as a sheet’s "TRUE"', async () => {
		const result = await runKling(fake, {
			parameters: fromSheet({ options: { dryRun: '={{ $json.dry }}' } }),
			items: SHEET_ROWS.map((row) => ({ ...row, dry: 'TRUE' })),
		});
		expectPlanned(klingOutput(result));
		expect(fake.stats.requests).toBe(0);
	});
});

describe('Dry Run in Resume mode', () => {
	let server: WebhookServer;
	beforeEach(async () => (server = await WebhookServer.start()));
	afterEach(async () => await server.close());

	const resumeWorkflow = (options: IDataObject) => ({
		...singleNodeWorkflow(
			{
				name: KLING_NODE_NAME,
				type: KLING_TYPE,
				parameters: fromSheet({ waitMode: 'resume', options: { ...FAST_OPTIONS, download: false, ...options } }),
			},
			SHEET_ROWS,
			'apixoApi',
		),
		credentials: { apixoApi: { apiKey: TEST_API_KEY, baseUrl: fake.baseUrl } },
	});

	it('does not pause: planned items at once, each request carrying the resume URL a real run sends', async () => {
		const dry = await server.run(resumeWorkflow({ dryRun: true, allowPrivateCallbackUrl: true }));
		expect(dry.status).toBe('success');
		expect(fake.stats.requests).toBe(0);
		const planned = klingOutput(dry);
		expectPlanned(planned);
		const requests = planned.map((item) => item.json.request as IDataObject);
		expect(requests.map((request) => request.callback_url)).toEqual([dry.resumeUrl, dry.resumeUrl]);

		const paused = await server.run(resumeWorkflow({ allowPrivateCallbackUrl: true }));
		expect(paused.status).toBe('waiting');
		// Each execution has its own resume URL; the rest of the body is the same.
		expect(requests.map((request) => ({ ...request, callback_url: paused.resumeUrl }))).toStrictEqual(sentBodiesInRowOrder());
		const resumed = await server.resumed(paused);
		expect(costs(resumed.output(KLING_NODE_NAME))).toEqual(costs(planned));
	});

	it('refuses a resume URL APIXO cannot reach, as the real run does', async () => {
		const dry = await server.run(resumeWorkflow({ dryRun: true }));
		const real = await server.run(resumeWorkflow({}));
		expect(dry.status).toBe('error');
		expect(dry.error?.message).toMatch(/APIXO cannot reach this n8n’s resume URL/);
		expect(dry.error?.message).toBe(real.error?.message);
		expect(fake.stats.requests).toBe(0);
		const planned = await server.run(resumeWorkflow({ dryRun: true, allowPrivateCallbackUrl: true }));
		expectPlanned(klingOutput(planned));
	});
});

import type { IDataObject } from 'n8n-workflow';

import type { FakeApixo } from '../fake-apixo';
import { runWorkflow, singleNodeWorkflow } from '../harness';
import type { KlingRun } from '../support/kling';
import {
	FAST_OPTIONS,
	KLING_NODE_NAME,
	KLING_TOOL_TYPE,
	KLING_TYPE,
	START_FRAME_JPEG,
	errorText,
	imageToVideoFromBinaryJpeg,
	klingOutput,
	runKling,
	startFake,
	textToVideo,
} from '../support/kling';
import type { SignedBinaryServer } from '../support/signedBinaryServer';
import { startSignedBinaryServer } from '../support/signedBinaryServer';
import { mp4Lasting, startVideoHost } from '../support/videoHost';

/* Every check that refuses a real run before paying refuses a Dry Run the same way. */

let fake: FakeApixo;
beforeEach(async () => (fake = await startFake()));
afterEach(async () => await fake.close());

const withOptions = (run: KlingRun, options: IDataObject): KlingRun => ({
	...run,
	parameters: { ...run.parameters, options: { ...(run.parameters.options as IDataObject), ...options } },
});
const dryRunOf = (run: KlingRun) => withOptions(run, { dryRun: true });

describe('Dry Run refuses what the real run refuses before paying', () => {
	const batch = (maxCostUsd: number): KlingRun => ({
		parameters: textToVideo({ prompt: '={{ $json.prompt }}', options: { download: false, maxCostUsd } }),
		items: [{ prompt: 'one' }, { prompt: 'two' }],
	});

	it('Max Cost: two 5 s videos ($0.84) plan under a $1 cap and are refused over a $0.50 one, as for real', async () => {
		const under = await runKling(fake, dryRunOf(batch(1)));
		expect(klingOutput(under).map((item) => item.json.state)).toEqual(['planned', 'planned']);
		const dryOver = await runKling(fake, dryRunOf(batch(0.5)));
		expect(dryOver.status).toBe('error');
		expect(errorText(dryOver)).toMatch(/^Estimated cost \$0\.84 is over Max Cost \$0\.50/);
		expect(fake.stats.requests).toBe(0);
		const realOver = await runKling(fake, batch(0.5));
		expect(errorText(dryOver)).toBe(errorText(realOver));
		expect(fake.stats.submits).toBe(0);
	});

	const withInvalidItem = (continueOnFail: boolean): KlingRun => ({
		parameters: textToVideo({ duration: '={{ $json.duration }}', options: { download: false } }),
		items: [{ duration: '5' }, { duration: '40' }, { duration: '6' }],
		continueOnFail,
	});

	it('Continue On Fail: the invalid item comes out as the real run’s "invalid" item, the others planned', async () => {
		const dry = await runKling(fake, dryRunOf(withInvalidItem(true)));
		const items = klingOutput(dry);
		expect(items.map((item) => item.json.state)).toEqual(['planned', 'invalid', 'planned']);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items.map((item) => item.json.billedSeconds)).toEqual([5, undefined, 6]);
		expect(fake.stats.requests).toBe(0);
		const real = await runKling(fake, withInvalidItem(true));
		expect(klingOutput(real)[1]).toEqual(items[1]);
		expect(items[1].json.error).toMatch(/^Item 2: Duration must be at most 15 seconds/);
	});

	it('without Continue On Fail: the real run’s error, and no plan', async () => {
		const dry = await runKling(fake, dryRunOf(withInvalidItem(false)));
		const real = await runKling(fake, withInvalidItem(false));
		expect(dry.status).toBe('error');
		expect(errorText(dry)).toBe(errorText(real));
		expect(fake.stats.submits).toBe(0);
		const fixed = await runKling(fake, dryRunOf({ ...withInvalidItem(false), items: [{ duration: '5' }] }));
		expect(klingOutput(fixed)[0].json.state).toBe('planned');
	});

	it('Motion Control: measures the reference video (billed and capped by it) without sending a task', async () => {
		const host = await startVideoHost({ '/dance.mp4': mp4Lasting(12), '/long.mp4': mp4Lasting(40) });
		try {
			const motion = (path: string): KlingRun => ({
				parameters: {
					resource: 'video',
					operation: 'motionControl',
					imageUrl: 'https://example.com/character.png',
					videoUrl: host.url(path),
					options: { download: false, allowPrivateCallbackUrl: true },
				},
			});
			const planned = await runKling(fake, dryRunOf(motion('/dance.mp4')));
			expect(klingOutput(planned)[0].json).toMatchObject({ state: 'planned', mode: 'motion-control', billedSeconds: 12, estimatedCostUsd: 1.56 });
			const tooLong = await runKling(fake, dryRunOf(motion('/long.mp4')));
			expect(errorText(tooLong)).toMatch(/40\.0 s video: APIXO accepts 30 s at most/);
			expect(fake.stats.requests).toBe(0);
			const real = await runKling(fake, motion('/long.mp4'));
			expect(errorText(tooLong)).toBe(errorText(real));
		} finally {
			await host.close();
		}
	});

	it('refuses a node without its APIXO credential, as the real run does', async () => {
		const run = async (options: IDataObject) =>
			await runWorkflow(
				singleNodeWorkflow({ name: KLING_NODE_NAME, type: KLING_TYPE, parameters: textToVideo({ options: { ...FAST_OPTIONS, ...options } }) }, [{}]),
			);
		const dry = await run({ dryRun: true });
		const real = await run({});
		expect(dry.status).toBe('error');
		expect(dry.error?.message).toMatch(/credentials/i);
		expect(dry.error?.message).toBe(real.error?.message);
		expect(fake.stats.requests).toBe(0);
	});

	it('refuses a media URL APIXO cannot reach, as the real run does', async () => {
		const run: KlingRun = {
			parameters: {
				resource: 'video',
				operation: 'imageToVideo',
				prompt: 'the character waves',
				startImageUrl: 'http://192.168.1.20/start.png',
				options: { download: false },
			},
		};
		const dry = await runKling(fake, dryRunOf(run));
		const real = await runKling(fake, run);
		expect(dry.status).toBe('error');
		expect(errorText(dry)).toBe(errorText(real));
		expect(fake.stats.submits).toBe(0);
		const tunnel = await runKling(fake, withOptions(dryRunOf(run), { allowPrivateCallbackUrl: true }));
		expect(klingOutput(tunnel)[0].json.state).toBe('planned');
	});
});

describe('Dry Run with binary media and as a tool', () => {
	let instance: SignedBinaryServer | undefined;
	afterEach(async () => await instance?.close());

	it('signs binary media (free): the request holds the signed URL APIXO would fetch', async () => {
		instance = await startSignedBinaryServer();
		const result = await runKling(fake, {
			...imageToVideoFromBinaryJpeg({ download: false, allowPrivateCallbackUrl: true, dryRun: true }, 'start.jpg'),
			instanceBaseUrl: instance.baseUrl,
		});
		const [item] = klingOutput(result);
		expect(item.json.state).toBe('planned');
		const [url] = (item.json.request as { input: { image_urls: string[] } }).input.image_urls;
		expect(url).toMatch(new RegExp(`^${instance.baseUrl}rest/binary-data/signed\\?token=`));
		expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(START_FRAME_JPEG);
		expect(fake.stats.requests).toBe(0);
	});

	it('answers an agent compactly: the cost, the request and what to tell the user', async () => {
		const result = await runKling(fake, { type: KLING_TOOL_TYPE, parameters: textToVideo({ options: { dryRun: true } }) });
		expect(result.status).toBe('success');
		expect(klingOutput(result)[0].json).toEqual({
			state: 'planned',
			billedSeconds: 5,
			estimatedCostUsd: 0.42,
			request: {
				request_type: 'async',
				source: 'n8n-nodes-apixo',
				input: { mode: 'text-to-video', prompt: 'a cinematic city skyline at sunset, slow camera push-in', duration: 5, sound: false, aspect_ratio: '16:9' },
			},
			message: expect.stringMatching(/^Dry Run: nothing was submitted or paid/),
		});
		expect(fake.stats.requests).toBe(0);
	});
});

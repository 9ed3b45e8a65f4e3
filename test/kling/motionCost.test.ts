import type { FakeApixo } from '../fake-apixo';
import { errorText, klingOutput, runKling, startFake } from '../support/kling';
import { mp4Lasting, startVideoHost } from '../support/videoHost';

let fake: FakeApixo;
let host: Awaited<ReturnType<typeof startVideoHost>>;
afterEach(async () => {
	await fake.close();
	await host.close();
});

const motionControl = (videoUrl: string, options = {}) => ({
	resource: 'video',
	operation: 'motionControl',
	imageUrl: 'https://example.com/character.png',
	videoUrl,
	// The video host is on loopback: a tunnel, for the node.
	options: { download: false, allowPrivateCallbackUrl: true, ...options },
});

describe('motion control is priced by the reference video’s length', () => {
	it.each([
		['moov before the media', 'moovFirst' as const],
		['moov after the media', 'moovLast' as const],
	])('reads the length from the MP4 header (%s) with range requests', async (_, layout) => {
		fake = await startFake();
		const file = mp4Lasting(12, layout, 20 * 1024 * 1024);
		host = await startVideoHost({ '/motion.mp4': file });
		const result = await runKling(fake, { parameters: motionControl(host.url('/motion.mp4')) });
		expect(klingOutput(result)[0].json).toMatchObject({ billedSeconds: 12, estimatedCostUsd: 1.56 });
		expect(host.bytesSent()).toBeLessThan(8 * 1024);
	});

	it('bills at least 3 seconds', async () => {
		fake = await startFake();
		host = await startVideoHost({ '/short.mp4': mp4Lasting(1.5) });
		const result = await runKling(fake, { parameters: motionControl(host.url('/short.mp4')) });
		expect(klingOutput(result)[0].json).toMatchObject({ billedSeconds: 3, estimatedCostUsd: 0.39 });
	});

	it('lets Max Cost through when the measured length fits', async () => {
		fake = await startFake();
		host = await startVideoHost({ '/motion.mp4': mp4Lasting(10) });
		const result = await runKling(fake, { parameters: motionControl(host.url('/motion.mp4'), { maxCostUsd: 1.5 }) });
		expect(result.status).toBe('success');
	});

	it('refuses a reference video over 30 s before paying', async () => {
		fake = await startFake();
		host = await startVideoHost({ '/long.mp4': mp4Lasting(45) });
		const result = await runKling(fake, { parameters: motionControl(host.url('/long.mp4')) });
		expect(errorText(result)).toMatch(/Item 1: Motion Video URL points at a 45\.0 s video: APIXO accepts 30 s at most/);
		expect(fake.stats.submits).toBe(0);
	});

	it('reads a host that ignores Range without fetching more than it needs', async () => {
		fake = await startFake();
		host = await startVideoHost({ '/motion.mp4': mp4Lasting(8, 'moovFirst', 20 * 1024 * 1024) }, { honourRange: false });
		const result = await runKling(fake, { parameters: motionControl(host.url('/motion.mp4')) });
		expect(klingOutput(result)[0].json).toMatchObject({ billedSeconds: 8 });
	});

	it('counts the 30 s worst case when the video cannot be measured', async () => {
		fake = await startFake();
		// An ftyp box, then a box that claims no size: an MP4 whose length cannot be read.
		const ftyp = Buffer.from('\0\0\0\x10ftypisom\0\0\0\0', 'latin1');
		const unreadable = Buffer.concat([ftyp, Buffer.from('\0\0\0\0free', 'latin1')]);
		host = await startVideoHost({ '/odd.mp4': unreadable });
		const result = await runKling(fake, { parameters: motionControl(host.url('/odd.mp4'), { maxCostUsd: 3 }) });
		expect(errorText(result)).toMatch(/Estimated cost \$3\.90 is over Max Cost \$3\.00/);
	});
});

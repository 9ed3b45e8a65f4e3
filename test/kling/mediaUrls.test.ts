import { smallMp4 } from '../fake-apixo';
import type { FakeApixo } from '../fake-apixo';
import { errorText, klingOutput, runKling, startFake } from '../support/kling';
import { fragmentedMp4, mp4Lasting, startVideoHost } from '../support/videoHost';

/* APIXO fetches every media URL itself: the node pays for nothing APIXO cannot fetch. */

let fake: FakeApixo;
let host: Awaited<ReturnType<typeof startVideoHost>> | undefined;
afterEach(async () => {
	await fake.close();
	await host?.close();
	host = undefined;
});

const imageToVideo = (startImageUrl: string, options = {}) => ({
	resource: 'video',
	operation: 'imageToVideo',
	prompt: 'the character waves',
	startImageUrl,
	options: { download: false, ...options },
});
const motionControl = (videoUrl: string, options = {}) => ({
	resource: 'video',
	operation: 'motionControl',
	imageUrl: 'https://example.com/character.png',
	videoUrl,
	options: { download: false, ...options },
});
const tunnel = { allowPrivateCallbackUrl: true };

describe('media URLs APIXO cannot reach are refused before paying', () => {
	it.each([
		['localhost', 'http://localhost:8080/frame.png'],
		['a private address', 'https://10.0.0.7/frame.png'],
		['the cloud metadata address', 'http://169.254.169.254/latest/meta-data'],
		['an IPv6 loopback', 'http://[::1]/frame.png'],
		['a LAN name', 'https://nas.local/frame.png'],
	])('an image URL on %s', async (_, url) => {
		fake = await startFake();
		const result = await runKling(fake, { parameters: imageToVideo(url) });
		expect(errorText(result)).toMatch(/Item 1: Start Image URL points at a private host .* APIXO cannot reach/);
		expect(fake.stats.submits).toBe(0);
	});

	it('a motion video on the metadata address is neither probed nor paid for', async () => {
		fake = await startFake();
		const result = await runKling(fake, { parameters: motionControl('http://169.254.169.254/motion.mp4') });
		expect(errorText(result)).toMatch(/Motion Video URL points at a private host \(169\.254\.169\.254\)/);
		expect(fake.stats.submits).toBe(0);
	});

	it('lets a loopback URL through when Allow Private URLs is on (tests, tunnels)', async () => {
		fake = await startFake();
		const result = await runKling(fake, { parameters: imageToVideo('http://127.0.0.1:9/frame.png', tunnel) });
		expect(result.status).toBe('success');
		expect(fake.stats.acceptedSubmits).toBe(1);
	});
});

describe('a reference video that is not a video is refused before paying', () => {
	it.each([
		['answers 404', {}, '/missing.mp4', /Motion Video URL answers HTTP 404/],
		['is an HTML page', { contentType: 'text/html' }, '/motion.mp4', /Motion Video URL serves text\/html, not a video/],
		['is not an MP4 inside', { contentType: 'application/octet-stream' }, '/page.mp4', /Motion Video URL is not an MP4, MOV or M4V file/],
	])('a reference that %s', async (_, hostOptions, path, message) => {
		fake = await startFake();
		host = await startVideoHost(
			{ '/motion.mp4': mp4Lasting(5), '/page.mp4': Buffer.from('<!DOCTYPE html><html><body>login</body></html>') },
			hostOptions,
		);
		const result = await runKling(fake, { parameters: motionControl(host.url(path), tunnel) });
		expect(errorText(result)).toMatch(message);
		expect(fake.stats.submits).toBe(0);
	});

	it('follows a redirect by hand, to a bounded depth', async () => {
		fake = await startFake();
		const redirects: Record<string, string> = { '/a.mp4': '/b.mp4', '/b.mp4': '/c.mp4', '/c.mp4': '/d.mp4', '/d.mp4': '/e.mp4' };
		host = await startVideoHost({ '/e.mp4': mp4Lasting(12), '/short.mp4': mp4Lasting(6) }, { redirects: { ...redirects, '/go.mp4': '/short.mp4' } });
		const followed = await runKling(fake, { parameters: motionControl(host.url('/go.mp4'), tunnel) });
		expect(klingOutput(followed)[0].json).toMatchObject({ billedSeconds: 6 });
		const endless = await runKling(fake, { parameters: motionControl(host.url('/a.mp4'), { ...tunnel, maxCostUsd: 3 }) });
		expect(errorText(endless)).toMatch(/Estimated cost \$3\.90 is over Max Cost/);
	});
});

describe('motion control is never underpriced', () => {
	it('reads a fragmented MP4’s length from mehd', async () => {
		fake = await startFake();
		host = await startVideoHost({ '/rec.mp4': fragmentedMp4(14) });
		const result = await runKling(fake, { parameters: motionControl(host.url('/rec.mp4'), tunnel) });
		expect(klingOutput(result)[0].json).toMatchObject({ billedSeconds: 14, estimatedCostUsd: 1.82 });
	});

	it('prices a fragmented MP4 without mehd at the 30 s worst case, so Max Cost holds', async () => {
		fake = await startFake();
		host = await startVideoHost({ '/rec.mp4': fragmentedMp4() });
		const result = await runKling(fake, { parameters: motionControl(host.url('/rec.mp4'), { ...tunnel, maxCostUsd: 1 }) });
		expect(errorText(result)).toMatch(/Estimated cost \$3\.90 is over Max Cost \$1\.00/);
		expect(fake.stats.submits).toBe(0);
	});

	it('bills whole seconds, rounded up', async () => {
		fake = await startFake();
		host = await startVideoHost({ '/motion.mp4': mp4Lasting(10.2) });
		const result = await runKling(fake, { parameters: motionControl(host.url('/motion.mp4'), tunnel) });
		expect(klingOutput(result)[0].json).toMatchObject({ billedSeconds: 11, estimatedCostUsd: 1.43 });
	});
});

describe('the fake fetches media like APIXO', () => {
	it('fails the task with INVALID_IMAGE_URL when the image cannot be fetched', async () => {
		fake = await startFake({ fetchMedia: true });
		host = await startVideoHost({ '/motion.mp4': smallMp4() });
		const result = await runKling(fake, { parameters: imageToVideo(host.url('/gone.png'), tunnel) });
		expect(errorText(result)).toMatch(/failed: INVALID_IMAGE_URL: image .*gone\.png: HTTP 404/);
		expect(errorText(result)).toMatch(/Use a public, direct JPG/);
	});
});

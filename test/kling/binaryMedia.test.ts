import type { IDataObject } from 'n8n-workflow';

import type { FakeApixo } from '../fake-apixo';
import { errorText, klingOutput, runKling, startFake } from '../support/kling';
import type { SignedBinaryServer } from '../support/signedBinaryServer';
import { startSignedBinaryServer } from '../support/signedBinaryServer';
import { mp4Lasting } from '../support/videoHost';

/* Binary inputs reach APIXO as signed URLs of the n8n instance, checked from their bytes first. */

let fake: FakeApixo;
let instance: SignedBinaryServer | undefined;
afterEach(async () => {
	await fake.close();
	await instance?.close();
	instance = undefined;
});

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a frame of the start image')]);
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('the end frame')]);

const file = (bytes: Buffer, mimeType: string, fileName: string, inline = false) => ({
	base64: bytes.toString('base64'),
	mimeType,
	fileName,
	...(inline && { inline }),
});
const tunnel = { allowPrivateCallbackUrl: true, download: false };

const imageToVideo = (extra: IDataObject = {}) => ({
	resource: 'video',
	operation: 'imageToVideo',
	prompt: 'the character waves',
	startImageSource: 'binary',
	options: tunnel,
	...extra,
});

describe('Image to Video from binary data', () => {
	it('sends start and end frames as signed URLs that APIXO fetches byte for byte, in Poll mode', async () => {
		fake = await startFake({ fetchMedia: true });
		instance = await startSignedBinaryServer();
		const result = await runKling(fake, {
			parameters: imageToVideo({ endImageSource: 'binary', endImageBinaryProperty: 'end' }),
			items: [{ $binary: { data: file(JPEG, 'image/jpeg', 'start.jpg'), end: file(PNG, 'image/png', 'end.png') } }],
			instanceBaseUrl: instance.baseUrl,
		});
		expect(errorText(result).trim()).toBe('');
		expect(klingOutput(result)[0].json.state).toBe('success');
		const [body] = fake.stats.lastSubmitBodies as Array<{ input: { image_urls: string[] } }>;
		expect(body.input.image_urls).toEqual([
			expect.stringMatching(new RegExp(`^${instance.baseUrl}rest/binary-data/signed\\?token=`)),
			expect.stringMatching(/signed\?token=/),
		]);
		expect(instance.served).toEqual([JPEG, PNG]);
	});

	it('stores a binary a Code node built inline (no id) before signing it, in No Wait mode', async () => {
		fake = await startFake({ fetchMedia: true });
		instance = await startSignedBinaryServer();
		const result = await runKling(fake, {
			parameters: imageToVideo({ waitMode: 'none' }),
			items: [{ $binary: { data: file(JPEG, 'image/jpeg', 'start.jpg', true) } }],
			instanceBaseUrl: instance.baseUrl,
		});
		expect(klingOutput(result)[0].json.state).toBe('submitted');
		const [body] = fake.stats.lastSubmitBodies as Array<{ input: { image_urls: string[] } }>;
		const fetched = await fetch(body.input.image_urls[0]);
		expect(Buffer.from(await fetched.arrayBuffer())).toEqual(JPEG);
	});

	it.each([
		['a file that is not a JPEG or PNG, whatever its mime type', file(Buffer.from('GIF89a...'), 'image/jpeg', 'x.jpg'), /Start Image is not a JPEG or PNG image \(image\/jpeg, checked by its bytes\)/],
		['an image over 10 MB', file(Buffer.concat([JPEG, Buffer.alloc(10 * 1024 * 1024)]), 'image/jpeg', 'big.jpg'), /Start Image is 10\.0 MB: APIXO takes images up to 10 MB/],
	])('refuses %s before paying', async (_, data, message) => {
		fake = await startFake();
		const result = await runKling(fake, { parameters: imageToVideo(), items: [{ $binary: { data } }] });
		expect(errorText(result)).toMatch(message);
		expect(fake.stats.requests).toBe(0);
	});

	it('refuses a missing binary field, naming the fields present', async () => {
		fake = await startFake();
		const result = await runKling(fake, {
			parameters: imageToVideo({ startImageBinaryProperty: 'photo' }),
			items: [{ $binary: { data: file(JPEG, 'image/jpeg', 'a.jpg') } }],
		});
		expect(errorText(result)).toMatch(/Start Image has no binary field “photo” in the input item \(present: data\)/);
		expect(fake.stats.requests).toBe(0);
	});

	it('refuses, before paying, a signed URL APIXO could not reach, naming WEBHOOK_URL', async () => {
		fake = await startFake();
		const result = await runKling(fake, {
			parameters: imageToVideo({ options: { download: false } }),
			items: [{ $binary: { data: file(JPEG, 'image/jpeg', 'a.jpg') } }],
		});
		expect(errorText(result)).toMatch(/would reach APIXO as http:\/\/localhost:5678\/…, which points at a private host/);
		expect(errorText(result)).toMatch(/Set WEBHOOK_URL to this n8n’s public https address/);
		expect(fake.stats.requests).toBe(0);
	});

	it('refuses in Resume mode a trigger upload that n8n renames when the execution waits', async () => {
		fake = await startFake();
		const upload = { ...file(JPEG, 'image/jpeg', 'a.jpg'), id: 'filesystem-v2:workflows/w1/executions/temp/binary_data/f1' };
		const result = await runKling(fake, {
			parameters: imageToVideo({ waitMode: 'resume' }),
			items: [{ $binary: { data: upload } }],
		});
		expect(errorText(result)).toMatch(/Start Image is a trigger’s upload.*APIXO would get 404/s);
		expect(errorText(result)).toMatch(/Use Wait Mode “Poll”/);
		expect(fake.stats.requests).toBe(0);
	});
});

describe('Motion Control from a binary video', () => {
	const motionControl = (extra: IDataObject = {}) => ({
		resource: 'video',
		operation: 'motionControl',
		imageUrl: 'https://example.com/character.png',
		videoSource: 'binary',
		options: tunnel,
		...extra,
	});

	it('sends the character image and the video as signed URLs that APIXO fetches byte for byte', async () => {
		fake = await startFake({ fetchMedia: true });
		instance = await startSignedBinaryServer();
		const video = mp4Lasting(4);
		const result = await runKling(fake, {
			parameters: motionControl({ imageSource: 'binary', imageBinaryProperty: 'character' }),
			items: [{ $binary: { character: file(PNG, 'image/png', 'character.png'), data: file(video, 'video/mp4', 'dance.mp4') } }],
			instanceBaseUrl: instance.baseUrl,
		});
		expect(errorText(result).trim()).toBe('');
		expect(klingOutput(result)[0].json).toMatchObject({ state: 'success', mode: 'motion-control', billedSeconds: 4 });
		const [task] = fake.tasks.values();
		expect(task.input).toMatchObject({ video_urls: [expect.stringMatching(/rest\/binary-data\/signed\?token=/)] });
		expect(task.fetchedMedia?.map((media) => [media.kind, media.bytes])).toEqual([
			['image', PNG],
			['video', video],
		]);
	});

	it('prices the video by the length in its bytes, without a probe', async () => {
		fake = await startFake();
		instance = await startSignedBinaryServer();
		const video = mp4Lasting(7.2, 'moovLast');
		const result = await runKling(fake, {
			parameters: motionControl({ options: { ...tunnel, maxCostUsd: 0.5 } }),
			items: [{ $binary: { data: file(video, 'video/mp4', 'dance.mp4') } }],
			instanceBaseUrl: instance.baseUrl,
		});
		// 7.2 s rounds up to 8 billed seconds at $0.13: the cap shows the price before anything is paid.
		expect(errorText(result)).toMatch(/Estimated cost \$1\.04 is over Max Cost \$0\.50.*8 billed second/s);
		expect(fake.stats.requests).toBe(0);
		expect(instance.served).toEqual([]);
	});

	it('refuses a video over 30 s from its bytes before paying', async () => {
		fake = await startFake();
		instance = await startSignedBinaryServer();
		const result = await runKling(fake, {
			parameters: motionControl(),
			items: [{ $binary: { data: file(mp4Lasting(31), 'video/mp4', 'long.mp4') } }],
			instanceBaseUrl: instance.baseUrl,
		});
		expect(errorText(result)).toMatch(/31\.0 s video: APIXO accepts 30 s at most/);
		expect(fake.stats.requests).toBe(0);
	});
});

import type { FakeApixo } from '../fake-apixo';
import { errorText, klingOutput, runKling, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
beforeEach(async () => (fake = await startFake()));
afterEach(async () => await fake.close());

const submittedBody = () => fake.stats.lastSubmitBodies[0] as Record<string, unknown>;

describe('each mode sends exactly the reference’s request body', () => {
	it('text to video: defaults, sound sent as false, aspect ratio, source tag', async () => {
		const result = await runKling(fake, { parameters: textToVideo({ options: { download: false } }) });
		expect(result.status).toBe('success');
		expect(submittedBody()).toEqual({
			request_type: 'async',
			source: 'n8n-nodes-apixo',
			input: {
				mode: 'text-to-video',
				prompt: 'a cinematic city skyline at sunset, slow camera push-in',
				duration: 5,
				sound: false,
				aspect_ratio: '16:9',
			},
		});
	});

	it('text to video: every field, multi-shot included', async () => {
		await runKling(fake, {
			parameters: textToVideo({
				duration: 5,
				aspectRatio: '9:16',
				sound: true,
				additionalFields: {
					negativePrompt: 'blur, low quality',
					cfgScale: 0.5,
					shots: {
						shot: [
							{ prompt: 'wide establishing shot', duration: 2 },
							{ prompt: 'slow push-in toward glowing skyscrapers', duration: 3 },
						],
					},
				},
				options: { download: false },
			}),
		});
		expect(submittedBody().input).toEqual({
			mode: 'text-to-video',
			prompt: 'a cinematic city skyline at sunset, slow camera push-in',
			negative_prompt: 'blur, low quality',
			duration: 5,
			sound: true,
			aspect_ratio: '9:16',
			cfg_scale: 0.5,
			multi_prompt: [
				{ prompt: 'wide establishing shot', duration: 2 },
				{ prompt: 'slow push-in toward glowing skyscrapers', duration: 3 },
			],
		});
	});

	it('image to video: start and end frames, no aspect ratio', async () => {
		await runKling(fake, {
			parameters: {
				resource: 'video',
				operation: 'imageToVideo',
				prompt: 'animate the character waving to the camera',
				startImageUrl: 'https://example.com/start.png',
				endImageUrl: 'https://example.com/end.png',
				duration: 6,
				sound: true,
				additionalFields: { cfgScale: 0.5 },
				options: { download: false },
			},
		});
		expect(submittedBody().input).toEqual({
			mode: 'image-to-video',
			prompt: 'animate the character waving to the camera',
			duration: 6,
			sound: true,
			image_urls: ['https://example.com/start.png', 'https://example.com/end.png'],
			cfg_scale: 0.5,
		});
	});

	it('image to video: a start frame alone', async () => {
		await runKling(fake, {
			parameters: {
				resource: 'video',
				operation: 'imageToVideo',
				prompt: 'slow studio camera move',
				startImageUrl: 'https://example.com/product.png',
				options: { download: false },
			},
		});
		expect(submittedBody().input).toEqual({
			mode: 'image-to-video',
			prompt: 'slow studio camera move',
			duration: 5,
			sound: false,
			image_urls: ['https://example.com/product.png'],
		});
	});

	it('motion control: no duration, no aspect ratio, and the cost of the probed length', async () => {
		const result = await runKling(fake, {
			parameters: {
				resource: 'video',
				operation: 'motionControl',
				prompt: 'keep the same character identity while following the motion reference',
				imageUrl: 'https://example.com/character.png',
				videoUrl: 'https://example.com/motion.mp4',
				characterOrientation: 'video',
				sound: true,
				additionalFields: { negativePrompt: 'distorted face, extra limbs' },
				options: { download: false },
			},
		});
		expect(submittedBody().input).toEqual({
			mode: 'motion-control',
			prompt: 'keep the same character identity while following the motion reference',
			negative_prompt: 'distorted face, extra limbs',
			sound: true,
			character_orientation: 'video',
			image_urls: ['https://example.com/character.png'],
			video_urls: ['https://example.com/motion.mp4'],
		});
		expect(klingOutput(result)[0].json).toMatchObject({ mode: 'motion-control', state: 'success' });
	});

	it('sends the API key as a Bearer token, and never shows it', async () => {
		const result = await runKling(fake, { parameters: textToVideo({ options: { download: false } }) });
		expect(fake.stats.acceptedSubmits).toBe(1);
		expect(JSON.stringify(result.run)).not.toContain('test-key-0123456789');
		expect(JSON.stringify(result.logs)).not.toContain('test-key-0123456789');
	});

	it('a wrong key is a 401 that says to check the credential, and shows no key', async () => {
		const result = await runKling(fake, { parameters: textToVideo(), apiKey: 'wrong key, shown nowhere' });
		expect(result.status).toBe('error');
		expect(errorText(result)).toMatch(/invalid API key \(HTTP 401\)/);
		expect(errorText(result)).toMatch(/Check the API key/);
		expect(JSON.stringify(result.run)).not.toContain('wrong key, shown nowhere');
		expect(fake.stats.acceptedSubmits).toBe(0);
	});
});

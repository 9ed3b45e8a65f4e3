import type { FakeApixo } from '../fake-apixo';
import { errorText, runKling, startFake } from '../support/kling';

/*
 * n8n 1.x's default: binary data kept in memory, without a stored id, which n8n cannot sign.
 * The engine reads the mode when this file first starts it (each test file has its own engine).
 */
const previousMode = process.env.N8N_DEFAULT_BINARY_DATA_MODE;
beforeAll(() => {
	process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'default';
});
afterAll(() => {
	process.env.N8N_DEFAULT_BINARY_DATA_MODE = previousMode;
});

let fake: FakeApixo;
afterEach(async () => await fake.close());

it('refuses binary media held in memory before paying, naming N8N_DEFAULT_BINARY_DATA_MODE', async () => {
	fake = await startFake();
	const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
	const result = await runKling(fake, {
		parameters: {
			resource: 'video',
			operation: 'imageToVideo',
			prompt: 'the character waves',
			startImageSource: 'binary',
			options: { allowPrivateCallbackUrl: true },
		},
		items: [{ $binary: { data: { base64: jpeg.toString('base64'), mimeType: 'image/jpeg', fileName: 'a.jpg' } } }],
	});
	expect(errorText(result)).toMatch(/Start Image is held in memory/);
	expect(errorText(result)).toMatch(/N8N_DEFAULT_BINARY_DATA_MODE=filesystem/);
	expect(fake.stats.requests).toBe(0);
});

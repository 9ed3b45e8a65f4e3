import type { FakeApixo } from '../fake-apixo';
import { errorText, imageToVideoFromBinaryJpeg, runKling, startFake } from '../support/kling';

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
	const result = await runKling(fake, imageToVideoFromBinaryJpeg({ allowPrivateCallbackUrl: true }));
	expect(errorText(result)).toMatch(/Start Image is held in memory/);
	expect(errorText(result)).toMatch(/N8N_DEFAULT_BINARY_DATA_MODE=filesystem/);
	expect(fake.stats.requests).toBe(0);
});

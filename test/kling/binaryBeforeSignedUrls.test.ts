import type { FakeApixo } from '../fake-apixo';
import { errorText, imageToVideoFromBinaryJpeg, runKling, startFake } from '../support/kling';

// n8n-core gained `createBinarySignedUrl` in the release n8n 1.90 ships; n8n 1.85–1.89 lack it.
// Taking it out of n8n-core's binary helpers runs the node as those versions do.
jest.mock('n8n-core/dist/execution-engine/node-execution-context/utils/binary-helper-functions', () => {
	const actual = jest.requireActual<{ getBinaryHelperFunctions: (...args: unknown[]) => object }>(
		'n8n-core/dist/execution-engine/node-execution-context/utils/binary-helper-functions',
	);
	return {
		...actual,
		getBinaryHelperFunctions: (...args: unknown[]) => {
			const { createBinarySignedUrl: _absentBefore190, ...helpers } = actual.getBinaryHelperFunctions(...args) as Record<string, unknown>;
			return helpers;
		},
	};
});

let fake: FakeApixo;
afterEach(async () => await fake.close());

describe('binary media on an n8n without signed URLs (1.85–1.89)', () => {
	it('refuses before paying, naming the n8n that can sign and the URL alternative', async () => {
		fake = await startFake();
		const result = await runKling(fake, imageToVideoFromBinaryJpeg({ allowPrivateCallbackUrl: true, download: false }));
		expect(errorText(result)).toMatch(/this n8n cannot sign binary data URLs/);
		expect(errorText(result)).toMatch(/Update n8n to 1\.90 or later/);
		expect(fake.stats.requests).toBe(0);
	});
});

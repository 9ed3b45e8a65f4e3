import type { FakeApixo } from '../fake-apixo';
import { runKling, startFake, textToVideo } from '../support/kling';

// n8n 1.x's n8n-workflow exports `sleep(ms)`, which ignores an abort signal. Running the node
// against that `sleep` shows that cancelling still stops it at once on the 1.x line.
jest.mock('n8n-workflow', () => ({
	...jest.requireActual<object>('n8n-workflow'),
	sleep: async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms).unref()),
}));

let fake: FakeApixo;
afterEach(async () => await fake.close());

describe("cancelling on n8n 1.x, whose sleep ignores the signal", () => {
	it('stops a poll wait at once, not after the poll interval', async () => {
		fake = await startFake({ outcome: () => ({ neverFinishes: true }) });
		const result = await runKling(fake, {
			parameters: textToVideo({ options: { download: false, firstPollDelay: 0.05, pollInterval: 3600, timeout: 7200 } }),
			abortAfterMs: 400,
		});
		expect(result.status).toBe('canceled');
		expect(fake.stats.statusReads).toBe(1);
	});
});

import type { FakeApixo } from '../fake-apixo';
import { errorText, klingOutput, runKling, startFake, textToVideo } from '../support/kling';

/* What a finished task's result files look like from the CDN, and how long they live. */

let fake: FakeApixo;
afterEach(async () => await fake.close());

const DAY_MS = 24 * 60 * 60 * 1000;

describe('result URLs expire 24 h after completion', () => {
	it('says so when the video is fetched after they expired', async () => {
		fake = await startFake();
		const first = await runKling(fake, { parameters: textToVideo({ options: { download: false } }) });
		const { taskId, expiresAt, completeTime } = klingOutput(first)[0].json;
		expect(expiresAt).toBe((completeTime as number) + DAY_MS);
		fake.advanceClock(DAY_MS + 60_000);
		const later = await runKling(fake, { parameters: { resource: 'task', operation: 'get', taskId } });
		expect(errorText(later)).toMatch(/The video URL has expired/);
		expect(errorText(later)).toMatch(/24 hours after the task completes/);
	});
});

describe('a result file without a video content type', () => {
	it.each([['application/octet-stream'], ['binary/octet-stream'], [null]])(
		'served as %s becomes video/mp4 named .mp4',
		async (contentType) => {
			fake = await startFake({ resultContentType: contentType });
			const result = await runKling(fake, { parameters: textToVideo() });
			const [item] = klingOutput(result);
			expect(item.binary?.data).toMatchObject({
				mimeType: 'video/mp4',
				fileName: `${String(item.json.taskId)}.mp4`,
				fileExtension: 'mp4',
			});
		},
	);
});

describe('downloads of a batch', () => {
	it('run at most Max Concurrency at a time', async () => {
		fake = await startFake();
		fake.inject({ on: 'download', kind: 'delay', ms: 150, times: 6 });
		const result = await runKling(fake, {
			parameters: textToVideo({ prompt: '={{ $json.prompt }}', options: { maxConcurrency: 2 } }),
			items: Array.from({ length: 6 }, (_, i) => ({ prompt: `scene ${i + 1}` })),
		});
		expect(klingOutput(result).filter((item) => item.binary?.data)).toHaveLength(6);
		expect(fake.stats.downloads).toBe(6);
		expect(fake.stats.peakConcurrentDownloads).toBe(2);
	});
});

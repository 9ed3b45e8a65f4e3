import type { FakeApixo } from '../fake-apixo';
import { klingOutput, runKling, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
afterEach(async () => await fake.close());

describe('a batch runs side by side', () => {
	it('submits every item before the first video is ready, and polls them together', async () => {
		const items = Array.from({ length: 20 }, (_, i) => ({ prompt: `video ${i}` }));
		fake = await startFake({ taskDurationMs: (_, index) => 600 + (index % 4) * 100 });
		const result = await runKling(fake, {
			parameters: textToVideo({ prompt: '={{ $json.prompt }}', options: { maxConcurrency: 5 } }),
			items,
		});
		expect(result.status).toBe('success');
		const output = klingOutput(result);
		expect(output).toHaveLength(20);
		const tasks = [...fake.tasks.values()];
		const lastSubmit = Math.max(...tasks.map((task) => task.createTime));
		const firstReady = Math.min(...tasks.map((task) => task.readyAt));
		expect(lastSubmit).toBeLessThan(firstReady);
		expect(fake.stats.submits).toBe(20);
		expect([...fake.stats.submitsByTask.values()]).toEqual(Array(20).fill(1));
		// Every item keeps its own video, paired to the item that asked for it.
		output.forEach((item, index) => {
			const task = fake.tasks.get(String(item.json.taskId));
			expect(task?.input.prompt).toBe(`video ${index}`);
			expect(item.pairedItem).toEqual({ item: index });
		});
		expect(fake.stats.downloads).toBe(20);
	});

	it('reads each task’s status no more often than the poll interval allows', async () => {
		fake = await startFake({ taskDurationMs: 1000 });
		await runKling(fake, {
			parameters: textToVideo({ options: { download: false, firstPollDelay: 0.5, pollInterval: 0.2 } }),
			items: [{}, {}, {}],
		});
		// First read at 0.5 s, then every 0.2 s until 1.0 s: 4 reads each, 5 with scheduling slack.
		for (const reads of fake.stats.statusReadsByTask.values()) {
			expect(reads).toBeGreaterThanOrEqual(3);
			expect(reads).toBeLessThanOrEqual(5);
		}
	});
});

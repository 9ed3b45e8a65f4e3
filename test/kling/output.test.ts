import type { FakeApixo } from '../fake-apixo';
import { readBinary } from '../harness';
import { klingOutput, runKling, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
afterEach(async () => await fake.close());

describe('a finished video becomes items with the video in binary data', () => {
	it('gives the contract’s item, with the exact bytes the server served', async () => {
		fake = await startFake();
		const result = await runKling(fake, { parameters: textToVideo({ duration: 8, sound: true }) });
		expect(result.status).toBe('success');
		const [item] = klingOutput(result);
		const task = [...fake.tasks.values()][0];
		expect(item.json).toEqual({
			taskId: task.taskId,
			model: 'kling-3-0-std',
			mode: 'text-to-video',
			state: 'success',
			videoUrl: task.resultUrls[0],
			videoIndex: 0,
			videoUrls: task.resultUrls,
			createTime: expect.any(Number),
			completeTime: expect.any(Number),
			costTimeMs: expect.any(Number),
			billedSeconds: 8,
			estimatedCostUsd: 1.04,
			expiresAt: (item.json.completeTime as number) + 24 * 60 * 60 * 1000,
		});
		expect(item.json.estimatedCostUsd).toBe(task.billedUsd);
		expect(item.pairedItem).toEqual({ item: 0 });
		const binary = item.binary?.data;
		expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName: `${task.taskId}.mp4` });
		const served = Buffer.from(await (await fetch(task.resultUrls[0])).arrayBuffer());
		expect(await readBinary(item)).toEqual(served);
		expect(served.subarray(4, 8).toString()).toBe('ftyp');
	});

	it('puts the video in the binary field the user named', async () => {
		fake = await startFake();
		const result = await runKling(fake, { parameters: textToVideo({ options: { binaryPropertyName: 'video' } }) });
		const [item] = klingOutput(result);
		expect(Object.keys(item.binary ?? {})).toEqual(['video']);
		expect((await readBinary(item, 'video')).length).toBeGreaterThan(100);
	});

	it('downloads nothing when Download is off', async () => {
		fake = await startFake();
		const result = await runKling(fake, { parameters: textToVideo({ options: { download: false } }) });
		expect(klingOutput(result)[0].binary).toBeUndefined();
		expect(fake.stats.downloads).toBe(0);
	});

	it('gives one item per result URL, each paired to its input item', async () => {
		fake = await startFake({ resultUrlsPerTask: 2 });
		const result = await runKling(fake, {
			parameters: textToVideo({ prompt: '={{ $json.prompt }}' }),
			items: [{ prompt: 'first' }, { prompt: 'second' }],
		});
		const items = klingOutput(result);
		expect(items).toHaveLength(4);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 1 }, { item: 1 }]);
		expect(items.map((item) => item.json.videoIndex)).toEqual([0, 1, 0, 1]);
		const firstTask = [...fake.tasks.values()].find((task) => task.input.prompt === 'first');
		expect(items[0].json.taskId).toBe(firstTask?.taskId);
		expect(items[1].binary?.data.fileName).toBe(`${firstTask?.taskId}-2.mp4`);
		expect(fake.stats.downloads).toBe(4);
	});

	it('logs every paid task as soon as APIXO takes it, so a crashed worker leaves them findable', async () => {
		fake = await startFake({ outcome: () => ({ neverFinishes: true }) });
		const result = await runKling(fake, {
			parameters: textToVideo({ prompt: '={{ $json.prompt }}', options: { download: false } }),
			items: [{ prompt: 'one' }, { prompt: 'two' }],
			abortAfterMs: 300,
		});
		expect(result.status).toBe('canceled');
		const logged = result.logs.filter((entry) => /^APIXO task \S+ submitted for item \d$/.test(entry.message));
		expect(logged.map((entry) => entry.metadata?.taskId).sort()).toEqual([...fake.tasks.keys()].sort());
		expect(logged.every((entry) => entry.level === 'info' && entry.metadata?.executionId === result.executionId)).toBe(true);
	});

	it('returns submitted items at once with Wait Mode "No Wait"', async () => {
		fake = await startFake({ taskDurationMs: 60_000 });
		const result = await runKling(fake, { parameters: textToVideo({ waitMode: 'none', sound: true }) });
		const [item] = klingOutput(result);
		expect(item.json).toEqual({
			taskId: [...fake.tasks.keys()][0],
			model: 'kling-3-0-std',
			mode: 'text-to-video',
			state: 'submitted',
			billedSeconds: 5,
			estimatedCostUsd: 0.65,
		});
		expect(fake.stats.statusReads).toBe(0);
	});
});

/**
 * Scenario 5: a large result file streams to disk (n8n's filesystem binary-data mode, set by the
 * harness env) instead of passing through memory. The fake server runs in a child process, so
 * the RSS sampled here is the engine's and the node's alone.
 */
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

import type { RemoteFake } from '../fake/remoteFake';
import { runKling, succeeded } from '../kling';
import { MB, MemorySampler, collectGarbage, mb, secs } from '../measure';
import type { Section } from '../report';

const TARGET_GROWTH_MB = 64;

export async function downloadScenario(fake: RemoteFake, fileMb: number): Promise<Section> {
	const bytes = fileMb * MB;
	const baseUrl = await fake.start({ taskDurationMs: 0, largeFileBytes: bytes });
	collectGarbage();
	const sampler = new MemorySampler(20);
	const run = await runKling({
		baseUrl,
		items: 1,
		options: { firstPollDelay: 0, pollInterval: 0.1, timeout: 120, requestTimeout: 120, download: true, maxRequestsPerSecond: 0 },
	});
	const memory = sampler.stop();
	const stats = await fake.stats();
	await fake.close();

	const binary = run.output[0]?.binary?.data;
	const stored = binary?.id ? await Container.get(BinaryDataService).getMetadata(binary.id) : undefined;
	const storedBytes = stored?.fileSize ?? 0;
	const growth = memory.peakRss - memory.baselineRss;
	const kernelGrowth = memory.kernelPeakRss === undefined ? undefined : memory.kernelPeakRss - memory.baselineRss;
	const scenario = `5. Download, one ${fileMb} MB video`;
	return {
		title: '5. Download',
		setup:
			`one item, a ${fileMb} MB result file (largeFileBytes), download on, n8n filesystem binary-data mode; RSS of the bench ` +
			'process sampled every 20 ms from a forced GC before the run; the fake server runs in a child process.',
		rows: [
			{
				scenario,
				metric: 'item succeeded, file stored whole',
				measured: `${succeeded(run.output)} / 1; ${storedBytes} bytes in ${binary?.id ? 'filesystem' : 'memory (no binary id)'} (${stats.downloads} download)`,
				target: `1 / 1; ${bytes} bytes on disk`,
				pass: succeeded(run.output) === 1 && storedBytes === bytes && Boolean(binary?.id?.startsWith('filesystem')),
			},
			{
				scenario,
				metric: 'peak RSS growth during the run',
				measured:
					`${mb(growth)} (baseline ${mb(memory.baselineRss)}, peak ${mb(memory.peakRss)}, ${memory.samples} samples` +
					`${kernelGrowth === undefined ? '' : `; kernel VmHWM +${mb(kernelGrowth)}`})`,
				target: `< ${TARGET_GROWTH_MB} MB`,
				pass: growth < TARGET_GROWTH_MB * MB && (kernelGrowth === undefined || kernelGrowth < TARGET_GROWTH_MB * MB),
			},
			{ scenario, metric: 'wall time, throughput', measured: `${secs(run.wallMs)}, ${((bytes / MB) / (run.wallMs / 1000)).toFixed(0)} MB/s` },
		],
	};
}

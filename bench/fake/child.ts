/**
 * The fake APIXO server in its own process, so that its CPU time, event-loop load and
 * streaming buffers never count as the node's. Driven by the parent over IPC (protocol.ts).
 */
import { canonicalJson, startFakeApixo } from '../../test/fake-apixo';
import type { FakeApixo } from '../../test/fake-apixo';
import type { ChildFakeOptions, Request, Response, StatsSnapshot } from './protocol';
import { itemOfPrompt } from './protocol';

let fake: FakeApixo | undefined;

async function start(options: ChildFakeOptions): Promise<string> {
	if (fake) await fake.close();
	const { durationsByItem, neverFinishItems, noResultUrlItems, taskDurationMs = 1500, ...rest } = options;
	const neverFinish = new Set(neverFinishItems ?? []);
	const noResultUrls = new Set(noResultUrlItems ?? []);
	fake = await startFakeApixo({
		...rest,
		taskDurationMs: (input) => durationsByItem?.[itemOfPrompt(input.prompt)] ?? taskDurationMs,
		outcome: (input) => {
			const item = itemOfPrompt(input.prompt);
			if (neverFinish.has(item)) return { neverFinishes: true };
			return noResultUrls.has(item) ? { noResultUrls: true } : undefined;
		},
	});
	return fake.baseUrl;
}

function snapshot(server: FakeApixo): StatsSnapshot {
	const { stats } = server;
	return {
		submits: stats.submits,
		acceptedSubmits: stats.acceptedSubmits,
		statusReads: stats.statusReads,
		downloads: stats.downloads,
		requests: stats.requests,
		rateLimited: stats.rateLimited,
		submitsByTask: [...stats.submitsByTask],
		statusReadsByTask: [...stats.statusReadsByTask],
		tasks: [...server.tasks.values()].map((task) => ({
			taskId: task.taskId,
			item: itemOfPrompt(task.input.prompt),
			inputKey: canonicalJson(task.input),
			createTime: task.createTime,
			readyAt: task.readyAt,
		})),
		cpu: process.cpuUsage(),
	};
}

function mustHave(): FakeApixo {
	if (!fake) throw new Error('fake server not started');
	return fake;
}

async function handle(request: Request): Promise<Response> {
	switch (request.type) {
		case 'start':
			return { id: request.id, ok: true, baseUrl: await start(request.options) };
		case 'stats':
			return { id: request.id, ok: true, stats: snapshot(mustHave()) };
		case 'inject':
			mustHave().inject(request.fault);
			return { id: request.id, ok: true };
		case 'close':
			await fake?.close();
			fake = undefined;
			return { id: request.id, ok: true };
	}
}

process.on('message', (request: Request) => {
	handle(request)
		.catch((error: unknown): Response => ({ id: request.id, ok: false, error: String(error) }))
		.then((response) => process.send?.(response));
});
// The parent going away (even killed) closes the IPC channel: leave with it.
process.on('disconnect', () => process.exit(0));

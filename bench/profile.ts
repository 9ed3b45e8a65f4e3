/**
 * `--profile=<dir>`: writes a V8 CPU profile (.cpuprofile, open in Chrome DevTools) of every
 * measured workflow run, to find where the node's time goes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.argv.find((arg) => arg.startsWith('--profile='))?.slice('--profile='.length);
let session: Session | undefined;
let count = 0;

const post = (method: string, params?: object) =>
	new Promise<unknown>((resolve, reject) =>
		session?.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
	);

export async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
	if (!dir) return await work();
	if (!session) {
		mkdirSync(dir, { recursive: true });
		session = new Session();
		session.connect();
		await post('Profiler.enable');
		await post('Profiler.setSamplingInterval', { interval: 200 });
	}
	await post('Profiler.start');
	try {
		return await work();
	} finally {
		const { profile } = (await post('Profiler.stop')) as { profile: unknown };
		const file = path.join(dir, `${String(++count).padStart(2, '0')}-${label.replace(/[^\w-]+/g, '_')}.cpuprofile`);
		writeFileSync(file, JSON.stringify(profile));
	}
}

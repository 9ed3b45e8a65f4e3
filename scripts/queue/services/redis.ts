/** A throwaway Redis: a fresh folder, 127.0.0.1 only, no persistence. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { connectRedis } from '../redis-client';
import { serverEnv, spawnServer, tail } from './commands';
import { type LiveService, startWithFreePort } from './lifecycle';
import { ensureServicePackages, findRedisServer } from './packages';
import { makeRunDir, removeRunDir } from './run-folders';
import type { RedisOptions, RedisService } from './types';

export async function startRedis(options: RedisOptions = {}): Promise<RedisService> {
	await ensureServicePackages();
	const bin = findRedisServer();
	if (!bin) throw new Error('redis-server binary not found');
	const runDir = makeRunDir('redis');
	const dir = path.join(runDir, 'redis');
	const logFile = path.join(runDir, 'redis.log');
	mkdirSync(dir, { mode: 0o700 });
	let service: LiveService | undefined;
	try {
		service = await startWithFreePort('redis', runDir, logFile, options.startTimeoutMs ?? 30_000, {
			spawn: (port) =>
				spawnServer(
					bin,
					[
						'--port', String(port),
						'--bind', '127.0.0.1',
						'--save', '',
						'--appendonly', 'no',
						'--dir', dir,
						'--daemonize', 'no',
						'--supervised', 'no',
						'--logfile', '',
						'--protected-mode', 'yes',
						...(options.args ?? []),
					],
					{ cwd: dir, env: serverEnv(), logFile },
				),
			ready: async (port) => {
				try {
					const client = await connectRedis({ host: '127.0.0.1', port }, 1000);
					try {
						return (await client.ping()) === 'PONG';
					} finally {
						client.disconnect();
					}
				} catch {
					return false;
				}
			},
			gentleSignal: 'SIGTERM',
		});
		const live = service;
		const redis: RedisService = {
			name: 'redis',
			host: '127.0.0.1',
			port: live.port,
			pid: live.pid,
			runDir,
			logFile,
			dir,
			bin,
			pids: () => live.pids(),
			logTail: (lines) => tail(logFile, lines),
			stop: async () => await live.stop(),
		};
		return redis;
	} catch (error) {
		const logText = tail(logFile, 40);
		if (service) await service.stop();
		else removeRunDir(runDir);
		throw new Error(`Redis did not start: ${(error as Error).message}${logText ? `\n--- redis.log (tail) ---\n${logText}` : ''}`);
	}
}

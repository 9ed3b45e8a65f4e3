/**
 * ioredis (the client n8n itself uses for Bull and pub/sub) as the queue scripts want it:
 * connected before use, no reconnecting or queueing of commands behind a dead server, so a
 * probe fails at once instead of hanging.
 *
 *   const redis = await connectRedis(cluster.redis);
 *   try { await redis.call('ZSCORE', 'bull:jobs:failed', jobId) } finally { redis.disconnect() }
 */
import Redis from 'ioredis';

export type RedisClient = Redis;

export async function connectRedis(server: { host: string; port: number }, timeoutMs = 3000): Promise<Redis> {
	const client = new Redis({
		host: server.host,
		port: server.port,
		lazyConnect: true,
		connectTimeout: timeoutMs,
		commandTimeout: timeoutMs,
		maxRetriesPerRequest: 0,
		enableOfflineQueue: false,
		retryStrategy: () => null,
	});
	client.on('error', () => undefined); // surfaced by the command that fails
	try {
		await client.connect();
		return client;
	} catch (error) {
		client.disconnect();
		throw error;
	}
}

/**
 * A minimal Redis client over a raw TCP socket (RESP2), so the queue-mode scripts need
 * no npm dependency to talk to Redis: commands, replies, and pub/sub messages.
 *
 *   const r = await RespClient.connect('127.0.0.1', port);
 *   await r.call('SET', 'k', 'v');            // 'OK'
 *   await r.call('GET', 'k');                 // 'v'
 *   r.close();
 *
 * After SUBSCRIBE the connection only receives pushes: pass onMessage to connect().
 */
import net from 'node:net';

export type RespValue = string | number | null | RespValue[] | RespError;

export class RespError extends Error {}

/** Encodes a command as a RESP array of bulk strings. */
export function encodeCommand(args: Array<string | number | Buffer>): Buffer {
	const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
	for (const arg of args) {
		const data = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg), 'utf8');
		parts.push(Buffer.from(`$${data.length}\r\n`), data, Buffer.from('\r\n'));
	}
	return Buffer.concat(parts);
}

/**
 * Parses one RESP value at `offset`. Returns the value and the offset just after it,
 * or undefined when the buffer does not yet hold a whole value.
 */
export function parseReply(buf: Buffer, offset = 0): { value: RespValue; next: number } | undefined {
	if (offset >= buf.length) return undefined;
	const lineEnd = buf.indexOf('\r\n', offset);
	if (lineEnd === -1) return undefined;
	const type = String.fromCharCode(buf[offset]);
	const line = buf.toString('utf8', offset + 1, lineEnd);
	const afterLine = lineEnd + 2;
	switch (type) {
		case '+':
			return { value: line, next: afterLine };
		case '-':
			return { value: new RespError(line), next: afterLine };
		case ':':
			return { value: Number(line), next: afterLine };
		case '$': {
			const len = Number(line);
			if (len < 0) return { value: null, next: afterLine };
			if (buf.length < afterLine + len + 2) return undefined;
			return { value: buf.toString('utf8', afterLine, afterLine + len), next: afterLine + len + 2 };
		}
		case '*': {
			const count = Number(line);
			if (count < 0) return { value: null, next: afterLine };
			const items: RespValue[] = [];
			let next = afterLine;
			for (let i = 0; i < count; i++) {
				const item = parseReply(buf, next);
				if (!item) return undefined;
				items.push(item.value);
				next = item.next;
			}
			return { value: items, next };
		}
		default:
			throw new Error(`unexpected RESP type byte ${JSON.stringify(type)} at ${offset}`);
	}
}

interface Pending {
	resolve: (value: RespValue) => void;
	reject: (error: Error) => void;
}

export interface RespConnectOptions {
	/** Connect timeout (default 2000 ms). */
	timeoutMs?: number;
	/** Called with pub/sub pushes (['message', channel, payload] and the like). */
	onMessage?: (push: RespValue[]) => void;
}

export class RespClient {
	private buffer: Buffer = Buffer.alloc(0);
	private readonly pending: Pending[] = [];
	private closedError: Error | undefined;
	private subscribed = false;

	private constructor(
		private readonly socket: net.Socket,
		private readonly onMessage?: (push: RespValue[]) => void,
	) {
		socket.on('data', (chunk) => this.onData(chunk));
		socket.on('error', (error) => this.fail(error));
		socket.on('close', () => this.fail(new Error('redis connection closed')));
	}

	static async connect(host: string, port: number, options: RespConnectOptions = {}): Promise<RespClient> {
		const timeoutMs = options.timeoutMs ?? 2000;
		const socket = await new Promise<net.Socket>((resolve, reject) => {
			const s = net.createConnection({ host, port });
			const timer = setTimeout(() => {
				s.destroy();
				reject(new Error(`redis connect to ${host}:${port} timed out after ${timeoutMs} ms`));
			}, timeoutMs);
			s.once('connect', () => {
				clearTimeout(timer);
				s.removeAllListeners('error');
				resolve(s);
			});
			s.once('error', (error) => {
				clearTimeout(timer);
				reject(error);
			});
		});
		socket.setNoDelay(true);
		return new RespClient(socket, options.onMessage);
	}

	/** Sends one command; resolves with its reply, rejects on a Redis error reply. */
	async call(...args: Array<string | number | Buffer>): Promise<RespValue> {
		if (this.closedError) throw this.closedError;
		const command = String(args[0]).toUpperCase();
		if (command === 'SUBSCRIBE' || command === 'PSUBSCRIBE') this.subscribed = true;
		const reply = await new Promise<RespValue>((resolve, reject) => {
			this.pending.push({ resolve, reject });
			this.socket.write(encodeCommand(args));
		});
		if (reply instanceof RespError) throw reply;
		return reply;
	}

	close(): void {
		this.closedError ??= new Error('redis connection closed by client');
		this.socket.destroy();
	}

	private onData(chunk: Buffer): void {
		this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
		let offset = 0;
		for (;;) {
			let parsed: ReturnType<typeof parseReply>;
			try {
				parsed = parseReply(this.buffer, offset);
			} catch (error) {
				this.fail(error as Error);
				this.socket.destroy();
				return;
			}
			if (!parsed) break;
			offset = parsed.next;
			this.dispatch(parsed.value);
		}
		this.buffer = this.buffer.subarray(offset);
	}

	private dispatch(value: RespValue): void {
		// In subscribed mode, 'message'/'pmessage' arrays are pushes, not replies.
		if (
			this.subscribed &&
			Array.isArray(value) &&
			(value[0] === 'message' || value[0] === 'pmessage')
		) {
			this.onMessage?.(value);
			return;
		}
		const waiter = this.pending.shift();
		if (waiter) waiter.resolve(value);
		else if (Array.isArray(value)) this.onMessage?.(value);
	}

	private fail(error: Error): void {
		this.closedError ??= error;
		for (const waiter of this.pending.splice(0)) waiter.reject(error);
	}
}

/** One-shot command on a fresh connection. */
export async function redisCommand(
	host: string,
	port: number,
	args: Array<string | number | Buffer>,
	timeoutMs = 2000,
): Promise<RespValue> {
	const client = await RespClient.connect(host, port, { timeoutMs });
	try {
		return await withTimeout(client.call(...args), timeoutMs, `redis ${String(args[0])}`);
	} finally {
		client.close();
	}
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([
			promise,
			new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
			}),
		]);
	} finally {
		if (timer) clearTimeout(timer);
	}
}

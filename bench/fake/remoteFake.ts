/** Parent side of the fake APIXO child process: start servers, read stats, inject faults. */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import path from 'node:path';

import type { Fault } from '../../test/fake-apixo';
import type { ChildFakeOptions, Request, Response, StatsSnapshot } from './protocol';
import { API_KEY } from './protocol';

type Pending = (response: Response) => void;
type Body<T> = T extends unknown ? Omit<T, 'id'> : never;

export class RemoteFake {
	private nextId = 1;
	private readonly pending = new Map<number, Pending>();

	private constructor(private readonly child: ChildProcess) {
		child.on('message', (response: Response) => {
			this.pending.get(response.id)?.(response);
			this.pending.delete(response.id);
		});
		child.on('exit', (code) => {
			for (const resolve of this.pending.values()) {
				resolve({ id: 0, ok: false, error: `fake server process exited (${code})` });
			}
			this.pending.clear();
		});
	}

	/** Forks the child; its TypeScript is compiled on the fly like the bench's own. */
	static spawn(): RemoteFake {
		const child = fork(path.join(__dirname, 'child.ts'), [], {
			execArgv: ['-r', 'ts-node/register/transpile-only'],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		return new RemoteFake(child);
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	/** Starts a fresh server (closing the previous one) and returns its base URL. */
	async start(options: ChildFakeOptions): Promise<string> {
		const { baseUrl } = await this.call({ type: 'start', options: { apiKey: API_KEY, balance: 1e9, ...options } });
		if (!baseUrl) throw new Error('fake server gave no base URL');
		return baseUrl;
	}

	async stats(): Promise<StatsSnapshot> {
		const { stats } = await this.call({ type: 'stats' });
		if (!stats) throw new Error('fake server gave no stats');
		return stats;
	}

	async inject(fault: Fault): Promise<void> {
		await this.call({ type: 'inject', fault });
	}

	async close(): Promise<void> {
		await this.call({ type: 'close' });
	}

	/** Ends the child process (this bench's own child, by its handle). */
	async shutdown(): Promise<void> {
		if (this.child.exitCode !== null) return;
		const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		this.child.disconnect();
		await exited;
	}

	private async call(body: Body<Request>): Promise<Extract<Response, { ok: true }>> {
		const id = this.nextId++;
		const response = await new Promise<Response>((resolve) => {
			this.pending.set(id, resolve);
			this.child.send({ ...body, id } as Request);
		});
		if (!response.ok) throw new Error(response.error);
		return response;
	}
}

import type http from 'node:http';

/* Request routing and plumbing shared by the fake server. */

export const API_PREFIX = '/api/v1';
export const MODEL = 'kling-3-0-std';
const MAX_BODY_BYTES = 1 << 20;
export const HTTP_FAULT_MESSAGES: Record<number, string> = {
	429: 'rate limit exceeded',
	500: 'internal server error',
	502: 'upstream error',
	503: 'model temporarily unavailable',
	504: 'upstream timeout',
};

export type Route =
	| { kind: 'submit' }
	| { kind: 'status'; taskId: string | undefined }
	| { kind: 'balance' }
	| { kind: 'download'; taskId: string; file: number }
	| { kind: 'none'; status: 404 | 405; message: string };

export type Reply =
	| { status: number; json: unknown; headers?: http.OutgoingHttpHeaders }
	| { status: 200; file: true };

export const jsonReply = (status: number, message: string): Reply => ({ status, json: { code: status, message } });

export function route(method: string, url: URL): Route {
	const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : undefined;
	const model = /^\/(generateTask|statusTask)\/([^/]+)$/.exec(path ?? '');
	const file = /^\/files\/([^/]+)\/(\d+)\.mp4$/.exec(path ?? '');
	const wrongMethod: Route = { kind: 'none', status: 405, message: 'method not allowed' };
	if (model) {
		if (model[2] !== MODEL) return { kind: 'none', status: 404, message: 'model not found' };
		if (model[1] === 'generateTask') return method === 'POST' ? { kind: 'submit' } : wrongMethod;
		return method === 'GET' ? { kind: 'status', taskId: url.searchParams.get('taskId') ?? undefined } : wrongMethod;
	}
	if (path === '/apikeys/current-balance') return method === 'GET' ? { kind: 'balance' } : wrongMethod;
	if (file) {
		if (method !== 'GET' && method !== 'HEAD') return wrongMethod;
		return { kind: 'download', taskId: decodeURIComponent(file[1]), file: Number(file[2]) };
	}
	return { kind: 'none', status: 404, message: 'not found' };
}

/** Reads the whole body (capped) so that every answer leaves the connection clean. */
export function readBody(req: http.IncomingMessage): Promise<string | undefined> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', () => resolve(undefined));
	});
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false };
	}
}

import type { IExecuteFunctions } from 'n8n-workflow';

import type { PublicUrlHelpers } from '../validate/publicUrl';
import { resolvedUrlProblem } from '../validate/publicUrl';

/** A probe reads a few header boxes: a handful of requests, and a few redirects among them. */
const MAX_REQUESTS = 8;
const MAX_REDIRECTS = 3;
/** Where a host ignores Range, bytes before an offset must be read and dropped: up to this. */
const MAX_SKIPPED_BYTES = 8 * 1024 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Answers that say the URL will not give APIXO a video either. */
const GONE_STATUSES = new Set([401, 403, 404, 410]);

type ByteStream = AsyncIterable<Buffer> & { destroy(): void };
type ProbeResponse = { body: ByteStream; statusCode: number; headers: Record<string, string | undefined> };

export type ProbeHelpers = Pick<IExecuteFunctions['helpers'], 'httpRequest'> & PublicUrlHelpers;

/** The URL is surely not a video APIXO can fetch: refused before paying. */
export class NotAVideo extends Error {}

export interface RangeReaderSettings {
	timeoutMs: number;
	allowPrivateUrls: boolean;
}

/**
 * Byte ranges of one remote file, with the limits of a probe: every hop checked against
 * private addresses before anything is sent there, redirects followed by hand (a redirect
 * must not lead into the private network), few requests, one overall deadline.
 */
export class RangeReader {
	private requests = 0;
	private resolvedUrl?: string;
	private readonly deadline: number;

	constructor(
		private readonly helpers: ProbeHelpers,
		private readonly url: string,
		private readonly settings: RangeReaderSettings,
	) {
		this.deadline = Date.now() + 2 * settings.timeoutMs;
	}

	async read(offset: number, length: number): Promise<Buffer> {
		const response = await this.open(offset, length);
		// 206: the range itself; 200: the host ignored Range and sends the file from the start.
		let toSkip = response.statusCode === 206 ? 0 : offset;
		if (toSkip > MAX_SKIPPED_BYTES) {
			response.body.destroy();
			return Buffer.alloc(0);
		}
		const chunks: Buffer[] = [];
		let kept = 0;
		try {
			for await (const chunk of response.body) {
				const usable = toSkip >= chunk.length ? Buffer.alloc(0) : chunk.subarray(toSkip);
				toSkip = Math.max(0, toSkip - chunk.length);
				chunks.push(usable);
				kept += usable.length;
				if (kept >= length) break;
			}
		} finally {
			response.body.destroy();
		}
		return Buffer.concat(chunks).subarray(0, length);
	}

	private async open(offset: number, length: number): Promise<ProbeResponse> {
		let target = this.resolvedUrl ?? this.url;
		for (let redirects = 0; ; redirects++) {
			const remainingMs = this.deadline - Date.now();
			if (++this.requests > MAX_REQUESTS || remainingMs <= 0) throw new Error('probe budget used up');
			if (!this.settings.allowPrivateUrls) {
				const problem = await resolvedUrlProblem(this.helpers, target);
				if (problem) throw new NotAVideo(`${redirects ? `redirects to ${target}, which ` : ''}${problem}`);
			}
			const response = (await this.helpers.httpRequest({
				method: 'GET',
				url: target,
				headers: { Range: `bytes=${offset}-${offset + length - 1}` },
				encoding: 'stream',
				returnFullResponse: true,
				disableFollowRedirect: true,
				ignoreHttpStatusErrors: true,
				timeout: Math.min(this.settings.timeoutMs, remainingMs),
			})) as ProbeResponse;
			const { statusCode, headers } = response;
			if (REDIRECT_STATUSES.has(statusCode)) {
				response.body.destroy();
				if (!headers.location || redirects >= MAX_REDIRECTS) throw new Error('too many redirects');
				target = new URL(headers.location, target).href;
				continue;
			}
			if (statusCode >= 300) {
				response.body.destroy();
				if (GONE_STATUSES.has(statusCode)) throw new NotAVideo(`answers HTTP ${statusCode}`);
				throw new Error(`HTTP ${statusCode}`);
			}
			const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
			if (type && /^(text\/|image\/|audio\/|application\/(json|xml|xhtml))/.test(type)) {
				response.body.destroy();
				throw new NotAVideo(`serves ${type}, not a video`);
			}
			this.resolvedUrl = target;
			return response;
		}
	}
}

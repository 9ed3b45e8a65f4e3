import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, IWebhookFunctions } from 'n8n-workflow';

import { ConcurrencyLimit } from '../concurrency';
import { RequestPacer } from './pacer';

export const CREDENTIAL_TYPE = 'apixoApi';
export const DEFAULT_BASE_URL = 'https://api.apixo.ai/api/v1';

export interface ApixoCall {
	method: 'GET' | 'POST';
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
}

/**
 * What became of one request. Only cancellation throws: every other outcome is a value,
 * because whether a request may be sent again depends on who asked (a submit or a read).
 */
export type CallOutcome =
	| { kind: 'answered'; status: number; body: unknown; retryAfterMs?: number }
	/** A 2xx whose body is not JSON: APIXO did answer, so a submit may have been taken. */
	| { kind: 'malformed'; status: number }
	/** `reachedApixo` is false only when the connection was refused before anything was sent. */
	| { kind: 'network'; code: string; reachedApixo: boolean };

export interface ClientSettings {
	/** Unset: adaptive up to APIXO's documented limit; 0: unpaced (see PacingSettings). */
	maxRequestsPerSecond?: number;
	requestTimeoutMs: number;
	/** The run's Timeout: no Retry-After holds every request back longer. */
	timeoutMs?: number;
}

/** Without a Timeout (one status read, the balance), a Retry-After holds requests back this long at most. */
const LONGEST_PAUSE_WITHOUT_TIMEOUT_MS = 60_000;

/**
 * Requests of one execution awaiting APIXO's answer at once. Answers that arrive together are
 * handled back to back, each costing n8n's HTTP stack about a millisecond of CPU, so a
 * thousand unbounded status reads stall every other execution of that n8n for a second. 24
 * keep such a burst near 30 ms, and at APIXO's answer times (~150 ms) still carry 160
 * requests/s, the documented 10,000 a minute.
 */
const MAX_REQUESTS_IN_FLIGHT = 24;

/** An action node's run, or the webhook call that resumes it. */
export type ClientContext = IExecuteFunctions | IWebhookFunctions;

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A TLS handshake that fails (untrusted, expired or mismatched certificate) or a proxy that
 * will not open a tunnel ends the connection before a byte of the request is sent.
 */
function wasNotSent(code: string): boolean {
	return (
		NOT_SENT_CODES.has(code) ||
		/^(CERT_|ERR_TLS_|ERR_SSL_|ERR_PROXY)/.test(code) ||
		['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
			'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'HOSTNAME_MISMATCH'].includes(code)
	);
}

/** The one place that sends requests to APIXO: auth, base URL, pacing, timeouts. */
export class ApixoClient {
	private readonly pacer: RequestPacer;

	private readonly inFlight = new ConcurrencyLimit(MAX_REQUESTS_IN_FLIGHT);

	private constructor(
		private readonly ctx: ClientContext,
		private readonly baseUrl: string,
		private readonly settings: ClientSettings,
	) {
		this.pacer = new RequestPacer(
			{
				maxRequestsPerSecond: settings.maxRequestsPerSecond,
				longestPauseMs: settings.timeoutMs ?? LONGEST_PAUSE_WITHOUT_TIMEOUT_MS,
			},
			this.cancelSignal,
		);
	}

	static async connect(ctx: ClientContext, settings: ClientSettings): Promise<ApixoClient> {
		const credentials = await ctx.getCredentials<{ baseUrl?: string }>(CREDENTIAL_TYPE);
		const baseUrl = (credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
		return new ApixoClient(ctx, baseUrl, settings);
	}

	get cancelSignal(): AbortSignal | undefined {
		return 'getExecutionCancelSignal' in this.ctx ? this.ctx.getExecutionCancelSignal() : undefined;
	}

	/** Until when APIXO's Retry-After holds back every request of this execution. */
	get heldUntil(): number {
		return this.pacer.heldUntil;
	}

	async send(call: ApixoCall): Promise<CallOutcome> {
		return await this.inFlight.run(async () => await this.sendNow(call));
	}

	private async sendNow(call: ApixoCall): Promise<CallOutcome> {
		const sentAt = await this.pacer.takeTurn();
		throwIfCancelled(this.cancelSignal);
		const request: IHttpRequestOptions = {
			method: call.method,
			url: `${this.baseUrl}${call.path}`,
			qs: call.qs,
			body: call.body,
			json: true,
			timeout: this.settings.requestTimeoutMs,
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
		};
		let response: { statusCode: number; body: unknown; headers: IDataObject };
		try {
			response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				CREDENTIAL_TYPE,
				request,
			)) as typeof response;
		} catch (error) {
			throwIfCancelled(this.cancelSignal);
			const code = errorCode(error);
			return { kind: 'network', code, reachedApixo: !wasNotSent(code) };
		}
		const body = parseBody(response.body);
		const status = response.statusCode;
		if (body === undefined && status >= 200 && status < 300) return { kind: 'malformed', status };
		const retryAfter = retryAfterMs(response.headers);
		// The one place the pacer learns of rate limits, whichever way APIXO says it.
		if (isRateLimited(status, body)) this.pacer.rateLimited(sentAt, retryAfter);
		else this.pacer.answered(sentAt);
		return { kind: 'answered', status, body, retryAfterMs: retryAfter };
	}
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}

/** APIXO says "slow down" as HTTP 429 or as an HTTP 200 whose body's `code` is 429. */
export function isRateLimited(status: number, body: unknown): boolean {
	return status === 429 || (typeof body === 'object' && body !== null && (body as { code?: unknown }).code === 429);
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body ?? undefined;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		return undefined;
	}
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const value = headers?.['retry-after'];
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** n8n wraps the HTTP client's error; the socket-level code sits somewhere down the cause chain. */
function errorCode(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { code, cause } = current as { code?: unknown; cause?: unknown };
		// Socket codes (ECONNRESET) and OpenSSL's (CERT_HAS_EXPIRED, SELF_SIGNED_CERT_IN_CHAIN).
		if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
		current = cause;
	}
	return 'UNKNOWN';
}

import type { KlingInput } from './rules';

export type { KlingInput } from './rules';

/** Which requests a fault applies to. `any` also covers the balance endpoint. */
export type FaultTarget = 'submit' | 'status' | 'download' | 'any';

export type FaultAction =
	| {
			kind: 'http';
			status: 429 | 500 | 502 | 503 | 504;
			retryAfterSeconds?: number;
			/** Submit only: create and charge the task, then answer the error ("outcome unknown"). */
			acceptAnyway?: boolean;
	  }
	/** Destroy the socket without a response, after reading the body. */
	| { kind: 'reset'; acceptAnyway?: boolean }
	/** 200 with a truncated JSON body (the request is otherwise processed normally). */
	| { kind: 'malformedJson' }
	/** Process normally, answer after `ms`. */
	| { kind: 'delay'; ms: number }
	/** Close the socket before reading anything (best-effort "connection refused"). */
	| { kind: 'refuse' }
	/**
	 * HTTP 200 whose envelope `code` is an error (`{"code":402}`, `{"code":400,"message":"Insufficient
	 * credits","data":null}`): the dialect of APIXO's Response Format page. Nothing is processed.
	 */
	| { kind: 'errorBody'; code: number; message?: string; data?: unknown };

export type Fault = FaultAction & {
	on: FaultTarget;
	/** How many matching requests this fault hits; default 1. */
	times?: number;
	/** Only requests about this task (status and download requests; never matches submits). */
	taskId?: string;
};

export interface FaultEvery {
	on: FaultTarget;
	/** Every Nth matching request (N, 2N, ...) gets the fault. */
	every: number;
	fault: FaultAction;
}

export type TaskOutcome =
	| { failCode: string; failMsg?: string }
	/** `state: success` with no usable result URL (`resultUrls: []`). */
	| { noResultUrls: true }
	| { neverFinishes: true }
	| undefined;

export interface FakeApixoOptions {
	apiKey?: string;
	balance?: number;
	taskDurationMs?: number | ((input: KlingInput, index: number) => number);
	outcome?: (input: KlingInput, index: number) => TaskOutcome;
	videoBytes?: Buffer;
	resultUrlsPerTask?: number;
	rateLimitPerSecond?: number;
	largeFileBytes?: number;
	/** Probed length of the motion-control reference video (billing; over 30 s → 400). Default 5. */
	motionVideoSeconds?: number | ((videoUrl: string) => number);
	faultEvery?: FaultEvery;
	callbackRetryDelayMs?: number;
	/** Per-attempt timeout of a callback POST; default 5000. */
	callbackTimeoutMs?: number;
	deliverCallbacksTwice?: boolean;
	/** `number` (default): `data: 74.87`, as the System APIs page shows; `object`: `data: { balance }`. */
	balanceAnswer?: 'number' | 'object';
	/** `string` (default): `resultJson` as the reference shows it; `object`: already parsed. */
	resultJsonAs?: 'string' | 'object';
	/** How long result URLs live after completion (APIXO: 24 h); then they answer 404. */
	resultUrlTtlMs?: number;
	/**
	 * Fetch every image and video URL of a submit, as APIXO does, and fail the task with
	 * INVALID_IMAGE_URL / INVALID_VIDEO_URL when one cannot be fetched or is not that media.
	 * Off by default: most tests use example.com URLs that lead nowhere. A function picks the tasks.
	 */
	fetchMedia?: boolean | ((input: KlingInput) => boolean);
	/** Content-Type of result files; default video/mp4, null for none (CDNs send either). */
	resultContentType?: string | null;
	/** Per-URL timeout of `fetchMedia`; default 2000. */
	fetchMediaTimeoutMs?: number;
}

export interface FakeTask {
	taskId: string;
	/** 0-based order among accepted submits. */
	index: number;
	input: KlingInput;
	request_type: 'async' | 'callback';
	callback_url?: string;
	source?: string;
	createTime: number;
	/** End of the `pending` phase. */
	pendingUntil: number;
	readyAt: number;
	outcome: TaskOutcome;
	/** Whether the request carried `sound` (the API's default is true). */
	soundSent: boolean;
	/** Effective sound value. */
	sound: boolean;
	billedSeconds: number;
	billedUsd: number;
	resultUrls: string[];
	/** While APIXO still fetches the task's media (fetchMedia), it stays `pending`. */
	fetchingMedia?: boolean;
	/** The files fetched for the task (fetchMedia), in the order of its image then video URLs. */
	fetchedMedia?: FetchedMedia[];
}

export interface FetchedMedia {
	url: string;
	kind: 'image' | 'video';
	contentType: string;
	bytes: Buffer;
}

export interface CallbackRecord {
	taskId: string;
	url: string;
	/** HTTP status, or 0 when the request failed at the network level. */
	status: number;
	/** 1 for the first try, then 2..4 for retries. */
	attempt: number;
	/** True for the extra POST of `deliverCallbacksTwice`. */
	redelivery: boolean;
}

export interface FakeApixoStats {
	/** Every request received on these endpoints, whatever the answer (rate limited, faulted, invalid). */
	submits: number;
	acceptedSubmits: number;
	statusReads: number;
	balanceReads: number;
	/** GET requests for result files (HEAD not counted). */
	downloads: number;
	/** Most result-file GETs open at the same moment, from request to the end of the answer. */
	peakConcurrentDownloads: number;
	requests: number;
	/** Requests answered 429 by the rate limiter (injected 429 faults not counted). */
	rateLimited: number;
	/** Most API requests (not result files) open at the same moment, from arrival to the end of the answer. */
	peakConcurrentApiRequests: number;
	/** Every submit and status read in order of arrival (epoch ms), with the HTTP status it was answered (0: no answer). */
	requestLog: Array<{ kind: 'submit' | 'status'; at: number; taskId?: string; status: number }>;
	/**
	 * Submits per requested task, keyed by the canonical JSON of the body's `input` (a taskId does
	 * not exist before the submit). A value above 1 means the same input was sent more than once.
	 */
	submitsByTask: Map<string, number>;
	/** Status reads per requested taskId (unknown ids included). */
	statusReadsByTask: Map<string, number>;
	/** Every body received on generateTask, in order (raw string when it was not JSON). */
	lastSubmitBodies: unknown[];
	callbacks: CallbackRecord[];
}

export interface FakeApixo {
	/** e.g. http://127.0.0.1:PORT/api/v1 */
	baseUrl: string;
	stats: FakeApixoStats;
	tasks: Map<string, FakeTask>;
	inject(fault: Fault): void;
	clearFaults(): void;
	setBalance(usd: number): void;
	getBalance(): number;
	/** Finish a task now (its outcome applies; a never-finishing task succeeds). */
	completeNow(taskId: string): void;
	/** Finish the task now and POST its final payload (to `url` or its callback_url), with retries. */
	deliverCallbackNow(taskId: string, url?: string): Promise<void>;
	/** Resolves once no callback delivery is in flight. */
	callbacksSettled(): Promise<void>;
	/** Lets `ms` pass for every task at once (24 h is one call, not a day): result URLs expire. */
	advanceClock(ms: number): void;
	/** Closes the server, every socket, timer and callback delivery at once. */
	close(): Promise<void>;
}

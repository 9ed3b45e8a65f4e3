/**
 * What each APIXO answer means to a user, and what to do about it, worded from the API
 * reference's error tables so that the node speaks the API's language.
 */

export interface FailureAdvice {
	meaning: string;
	fix: string;
}

const HTTP_STATUS_ADVICE: Record<number, FailureAdvice> = {
	400: {
		meaning: 'APIXO rejected the request (invalid body, mode, parameter, image URL or video URL)',
		fix: 'Fix the request before retrying.',
	},
	401: {
		meaning: 'Missing or invalid API key',
		fix: 'Check the API key in the APIXO API credential.',
	},
	402: {
		meaning: 'Insufficient balance or quota',
		fix: 'Add balance to your APIXO account or switch to another account or key.',
	},
	403: {
		meaning: 'This key or route cannot access the kling-3-0-std model',
		fix: 'Check the key’s permissions and route strategy in APIXO.',
	},
	404: {
		meaning: 'APIXO does not know this task or endpoint',
		fix: 'Check the task ID and the credential’s base URL.',
	},
	407: {
		meaning: 'A proxy between n8n and APIXO asked for authentication',
		fix: 'Check the proxy settings of your n8n instance (HTTP_PROXY / HTTPS_PROXY).',
	},
	429: {
		meaning: 'Rate limit or concurrency limit reached',
		fix: 'Lower “Max Concurrency” or “Max Requests per Second”, or retry later.',
	},
	500: { meaning: 'APIXO server error', fix: 'Retry later.' },
	502: { meaning: 'APIXO upstream error', fix: 'Retry later.' },
	503: { meaning: 'The kling-3-0-std model is temporarily unavailable', fix: 'Retry later.' },
	504: {
		meaning: 'APIXO upstream timeout',
		fix: 'Retry later, or use a callback wait mode for long-running jobs.',
	},
};

const FAIL_CODE_ADVICE: Record<string, FailureAdvice> = {
	CONTENT_VIOLATION: {
		meaning: 'The prompt or reference media failed APIXO’s safety checks',
		fix: 'Change the prompt or the input media.',
	},
	INVALID_IMAGE_URL: {
		meaning: 'A reference image URL could not be fetched or decoded',
		fix: 'Use a public, direct JPG, JPEG or PNG URL.',
	},
	INVALID_VIDEO_URL: {
		meaning: 'The reference video URL could not be fetched, decoded or probed',
		fix: 'Use a public MP4, MOV or M4V URL of 30 seconds or less that supports range reads.',
	},
	INVALID_PARAMETER: {
		meaning: 'A model parameter is unsupported or malformed',
		fix: 'Check mode, duration, sound, aspect ratio, image URLs and video URLs.',
	},
	INSUFFICIENT_BALANCE: {
		meaning: 'The account does not have enough balance for the task',
		fix: 'Add balance before retrying.',
	},
	UPSTREAM_ERROR: { meaning: 'Upstream failure', fix: 'Retry later.' },
	TIMEOUT: {
		meaning: 'Generation did not finish in time',
		fix: 'Retry, simplify the inputs, or use a callback wait mode.',
	},
};

/**
 * `failCode` is an open set: APIXO's other pages and its upstream providers name the same
 * failures differently. Each alias gets the advice of the reference code it means.
 */
const FAIL_CODE_ALIASES: Record<string, string | FailureAdvice> = {
	NSFW_DETECTED: 'CONTENT_VIOLATION',
	SENSITIVECONTENTDETECTED: 'CONTENT_VIOLATION',
	IMAGE_DOWNLOAD_FAILED: 'INVALID_IMAGE_URL',
	IMAGE_TOO_LARGE: { meaning: 'A reference image is too large', fix: 'Use a JPG or PNG under 10 MB.' },
	UNSUPPORTED_FORMAT: {
		meaning: 'A reference file is in a format APIXO does not take',
		fix: 'Use a JPG or PNG image and an MP4, MOV or M4V video.',
	},
	PROMPT_TOO_LONG: { meaning: 'The prompt is too long', fix: 'Shorten the prompt (at most 2500 characters).' },
	PROMPTLENGTHEXCEEDED: 'PROMPT_TOO_LONG',
	INVALID_PROMPT: { meaning: 'APIXO could not use the prompt', fix: 'Rewrite the prompt in plain words and retry.' },
	PROCESSING_TIMEOUT: 'TIMEOUT',
	MODEL_UNAVAILABLE: {
		meaning: 'The kling-3-0-std model was temporarily unavailable',
		fix: 'Retry later.',
	},
	GENERATION_FAILED: { meaning: 'The model could not generate this video', fix: 'Retry, or change the prompt or media.' },
	INSUFFICIENT_CREDITS: 'INSUFFICIENT_BALANCE',
};

/** Provider names come in any case (SensitiveContentDetected): matched upper-cased. */
function adviceFor(code: string): FailureAdvice | undefined {
	const upper = code.toUpperCase();
	const alias = FAIL_CODE_ALIASES[upper];
	if (typeof alias === 'string') return adviceFor(alias);
	return FAIL_CODE_ADVICE[upper] ?? alias;
}

export function adviceForHttpStatus(status: number): FailureAdvice {
	return (
		HTTP_STATUS_ADVICE[status] ??
		(status >= 500
			? { meaning: `APIXO server error (HTTP ${status})`, fix: 'Retry later.' }
			: { meaning: `Unexpected HTTP ${status} from APIXO`, fix: 'Check the request and retry.' })
	);
}

export function adviceForFailCode(failCode: string | undefined | null): FailureAdvice {
	return (
		adviceFor(failCode ?? '') ?? {
			meaning: 'The task failed',
			fix: 'Check the inputs and retry; contact APIXO support with the task ID if it persists.',
		}
	);
}

/** The statuses where the reference says a retry may succeed. */
export function isRetryableStatus(status: number): boolean {
	return status === 429 || status >= 500;
}

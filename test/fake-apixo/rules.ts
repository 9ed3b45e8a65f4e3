import { z } from 'zod';

/* The generateTask rules of the Kling 3.0 Std reference, as strict as the reference allows. */

export const MODES = ['text-to-video', 'image-to-video', 'motion-control'] as const;
export type Mode = (typeof MODES)[number];

export const PRICE_SILENT_USD = 0.084;
export const PRICE_SOUND_USD = 0.13;
export const MOTION_MIN_SECONDS = 3;
export const MOTION_MAX_SECONDS = 30;
export const DEFAULT_DURATION = 5;

function parseUrl(value: string): URL | undefined {
	try {
		return new URL(value);
	} catch {
		return undefined;
	}
}

const isHttpUrl = (value: string): boolean => {
	const url = parseUrl(value);
	return url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:');
};

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);
/** The real API wants public https; plain http is accepted only for loopback test receivers. */
const isCallbackUrl = (value: string): boolean => {
	const url = parseUrl(value);
	if (!url) return false;
	if (url.protocol === 'https:') return true;
	return url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || /^127\./.test(url.hostname));
};

const httpUrl = z.string().refine(isHttpUrl, 'must be an http(s) URL');
/**
 * The reference asks for "a public MP4, MOV, or M4V URL" and fails a task whose video "could not be
 * fetched, decoded, or probed" (INVALID_VIDEO_URL): the format is the file's, judged when APIXO
 * fetches it (fetchMedia). A path naming another type (.gif) is refused; one naming none, such as
 * n8n's signed `/rest/binary-data/signed?token=…`, is not.
 */
const videoUrl = httpUrl.refine((value) => {
	const extension = /\.([a-z0-9]+)$/i.exec(parseUrl(value)?.pathname ?? '')?.[1];
	return extension === undefined || /^(mp4|mov|m4v)$/i.test(extension);
}, 'must be an MP4, MOV or M4V URL (a path naming another file type is refused)');
const prompt = z
	.string({ required_error: 'is required', invalid_type_error: 'must be a string' })
	.min(1, 'must not be empty')
	.max(2500, 'must be at most 2500 characters');
const duration = z
	.number({ invalid_type_error: 'must be a number' })
	.int('must be an integer')
	.min(3, 'must be between 3 and 15')
	.max(15, 'must be between 3 and 15');
const common = {
	negative_prompt: z.string({ invalid_type_error: 'must be a string' }).optional(),
	sound: z.boolean({ invalid_type_error: 'must be a boolean' }).optional(),
	cfg_scale: z
		.number({ invalid_type_error: 'must be a number' })
		.min(0, 'must be between 0 and 1')
		.max(1, 'must be between 0 and 1')
		.optional(),
};

const shot = z
	.object({
		prompt,
		duration: z
			.number({ required_error: 'is required', invalid_type_error: 'must be a number' })
			.int('must be an integer')
			.min(1, 'must be at least 1'),
	})
	.strict();

const textToVideo = z
	.object({
		mode: z.literal('text-to-video'),
		prompt,
		duration: duration.optional(),
		aspect_ratio: z.enum(['1:1', '9:16', '16:9'], { message: 'must be one of 1:1, 9:16, 16:9' }).optional(),
		multi_prompt: z.array(shot).min(1, 'must have at least one shot').optional(),
		...common,
	})
	.strict()
	.superRefine((input, ctx) => {
		if (!input.multi_prompt) return;
		const sum = input.multi_prompt.reduce((total, s) => total + s.duration, 0);
		const expected = input.duration ?? DEFAULT_DURATION;
		if (sum !== expected) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['multi_prompt'],
				message: `shot durations add up to ${sum} but duration is ${expected}`,
			});
		}
	});

const imageToVideo = z
	.object({
		mode: z.literal('image-to-video'),
		prompt,
		duration: duration.optional(),
		image_urls: z
			.array(httpUrl, { required_error: 'is required', invalid_type_error: 'must be an array' })
			.min(1, 'must have 1 or 2 URLs')
			.max(2, 'must have 1 or 2 URLs'),
		...common,
	})
	.strict();

const motionControl = z
	.object({
		mode: z.literal('motion-control'),
		prompt: prompt.optional(),
		character_orientation: z.enum(['video', 'image'], { message: 'must be video or image' }).optional(),
		image_urls: z
			.array(httpUrl, { required_error: 'is required', invalid_type_error: 'must be an array' })
			.length(1, 'must have exactly 1 URL'),
		video_urls: z
			.array(videoUrl, { required_error: 'is required', invalid_type_error: 'must be an array' })
			.length(1, 'must have exactly 1 URL'),
		...common,
	})
	.strict();

export type TextToVideoInput = z.infer<typeof textToVideo>;
export type ImageToVideoInput = z.infer<typeof imageToVideo>;
export type MotionControlInput = z.infer<typeof motionControl>;
export type KlingInput = TextToVideoInput | ImageToVideoInput | MotionControlInput;

const envelope = z
	.object({
		request_type: z.enum(['async', 'callback'], {
			errorMap: (_issue, ctx) => ({ message: ctx.data === undefined ? 'is required' : 'must be async or callback' }),
		}),
		callback_url: z
			.string({ invalid_type_error: 'must be a string' })
			.refine(isCallbackUrl, 'must be an https URL (http only for loopback)')
			.optional(),
		input: z.record(z.unknown(), { required_error: 'is required', invalid_type_error: 'must be an object' }),
		source: z.string({ invalid_type_error: 'must be a string' }).optional(),
	})
	.strict();

/** Keys that exist in the API but only for some modes: named explicitly so the 400 says why. */
const MODE_ONLY_KEYS: Record<string, readonly Mode[]> = {
	duration: ['text-to-video', 'image-to-video'],
	aspect_ratio: ['text-to-video'],
	multi_prompt: ['text-to-video'],
	image_urls: ['image-to-video', 'motion-control'],
	video_urls: ['motion-control'],
	character_orientation: ['motion-control'],
};

export interface SubmitRequest {
	request_type: 'async' | 'callback';
	callback_url?: string;
	source?: string;
	input: KlingInput;
}

export type SubmitCheck = { ok: true; value: SubmitRequest } | { ok: false; message: string };

function describe(error: z.ZodError, prefix: string): string {
	const issue = error.issues[0];
	const path = [prefix, ...issue.path].filter((p) => p !== '').join('.');
	if (issue.code === z.ZodIssueCode.unrecognized_keys) {
		return `${path ? `${path}: ` : ''}unknown key(s) ${issue.keys.join(', ')}`;
	}
	return `${path} ${issue.message}`;
}

export function checkSubmit(body: unknown): SubmitCheck {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return { ok: false, message: 'body must be a JSON object' };
	}
	const outer = envelope.safeParse(body);
	if (!outer.success) return { ok: false, message: describe(outer.error, '') };
	const { request_type, callback_url, input, source } = outer.data;
	if (request_type === 'callback' && callback_url === undefined) {
		return { ok: false, message: 'callback_url is required when request_type is callback' };
	}
	if (request_type === 'async' && callback_url !== undefined) {
		return { ok: false, message: 'callback_url is only used when request_type is callback' };
	}
	const mode = input.mode;
	if (!MODES.includes(mode as Mode)) {
		return { ok: false, message: `input.mode must be one of ${MODES.join(', ')}` };
	}
	for (const [key, modes] of Object.entries(MODE_ONLY_KEYS)) {
		if (key in input && !modes.includes(mode as Mode)) {
			return { ok: false, message: `input.${key} is not supported for ${mode} (only ${modes.join(', ')})` };
		}
	}
	const schema = mode === 'text-to-video' ? textToVideo : mode === 'image-to-video' ? imageToVideo : motionControl;
	const inner = schema.safeParse(input);
	if (!inner.success) return { ok: false, message: describe(inner.error, 'input') };
	return { ok: true, value: { request_type, callback_url, source, input: inner.data } };
}

export interface Bill {
	seconds: number;
	usd: number;
}

/** Price table of the reference. `motionSeconds` is the probed reference video length. */
export function bill(input: KlingInput, motionSeconds: number): Bill {
	if (input.mode === 'motion-control') {
		const seconds = Math.max(MOTION_MIN_SECONDS, Math.ceil(motionSeconds - 1e-6));
		return { seconds, usd: roundUsd(seconds * PRICE_SOUND_USD) };
	}
	const seconds = input.duration ?? DEFAULT_DURATION;
	const price = input.sound ?? true ? PRICE_SOUND_USD : PRICE_SILENT_USD;
	return { seconds, usd: roundUsd(seconds * price) };
}

/** Micro-dollar rounding keeps balances free of float drift over thousands of tasks. */
export function roundUsd(usd: number): number {
	return Math.round(usd * 1e6) / 1e6;
}

/** JSON with sorted object keys, so key order does not change identity. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.keys(value)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

import { z } from 'zod';

/** The shapes APIXO sends back, shared by the action node, the trigger and the tests. */

export const MODEL_ID = 'kling-3-0-std';

export const API_MODES = ['text-to-video', 'image-to-video', 'motion-control'] as const;
export type ApiMode = (typeof API_MODES)[number];

export const TASK_STATES = ['pending', 'processing', 'success', 'failed'] as const;
export type TaskState = (typeof TASK_STATES)[number];

const envelope = <T extends z.ZodTypeAny>(data: T) =>
	z.object({ code: z.number(), message: z.string().optional(), data });

export const submitResponseSchema = envelope(z.object({ taskId: z.string().min(1) }));

export const taskRecordSchema = z.object({
	taskId: z.string().min(1),
	state: z.enum(TASK_STATES),
	// The reference sends a JSON string to parse; some answers carry the parsed object.
	resultJson: z.union([z.string(), z.object({}).passthrough()]).optional().nullable(),
	failCode: z.string().optional().nullable(),
	failMsg: z.string().optional().nullable(),
	createTime: z.number().optional().nullable(),
	completeTime: z.number().optional().nullable(),
	costTime: z.number().optional().nullable(),
});
export type TaskRecord = z.infer<typeof taskRecordSchema>;

export const statusResponseSchema = envelope(taskRecordSchema);

export const resultPayloadSchema = z.object({
	resultUrls: z.array(z.string().url()).min(1),
});

/** USD left on this key: a bare number (System APIs page), or an object holding it. */
export const balanceResponseSchema = envelope(
	z.union([
		z.number(),
		z.object({ balanceUsd: z.number() }).transform((data) => data.balanceUsd),
		z.object({ balance: z.number() }).transform((data) => data.balance),
	]),
);

/** The body of an error answer, when APIXO sends one: used only to quote its message. */
export const errorBodySchema = z.object({ code: z.number().optional(), message: z.string() });

const envelopeCodeSchema = z.object({ code: z.number().int().min(100).max(599) });

/**
 * The status an answer stands for. APIXO's envelope `code` is "the HTTP status code", and some
 * answers come as HTTP 200 with an error code in the body (`{"code":402}`): the body decides then.
 */
export function answerStatus(httpStatus: number, body: unknown): number {
	if (httpStatus < 200 || httpStatus >= 300) return httpStatus;
	const envelopeCode = envelopeCodeSchema.safeParse(body);
	return envelopeCode.success && envelopeCode.data.code !== 200 ? envelopeCode.data.code : httpStatus;
}

/** APIXO's callback POST: the status envelope, or (from some proxies) its bare `data` object. */
export const callbackBodySchema = z.union([
	statusResponseSchema.transform((body) => body.data),
	taskRecordSchema,
]);

/** The `input` object of a generateTask body, as the node builds it. */
export interface ApiInput {
	mode: ApiMode;
	prompt?: string;
	negative_prompt?: string;
	duration?: number;
	sound: boolean;
	aspect_ratio?: string;
	cfg_scale?: number;
	multi_prompt?: Array<{ prompt: string; duration: number }>;
	image_urls?: string[];
	video_urls?: string[];
	character_orientation?: 'video' | 'image';
}

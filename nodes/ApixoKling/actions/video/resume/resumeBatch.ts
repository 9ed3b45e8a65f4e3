import { z } from 'zod';

import { API_MODES } from '../../../../shared/api/schemas';

/**
 * What the resumed node must know about the tasks it paused for. n8n gives a waiting node's
 * webhook neither its input items nor its earlier output, so the batch travels in the resume
 * URL that APIXO calls back. n8n checks only the URL's `signature`, which stays untouched.
 */
const batchSchema = z.object({
	mode: z.enum(API_MODES),
	tasks: z.array(
		z.object({
			/** Absent for the task that carries the callback: APIXO's POST names it. */
			taskId: z.string().min(1).optional(),
			itemIndex: z.number().int().min(0),
			billedSeconds: z.number(),
			estimatedCostUsd: z.number(),
		}),
	),
});

export type ResumeBatch = z.infer<typeof batchSchema>;

export const BATCH_QUERY_PARAM = 'apixoBatch';

export function callbackUrlWithBatch(resumeUrl: string, batch: ResumeBatch): string {
	const url = new URL(resumeUrl);
	url.searchParams.set(BATCH_QUERY_PARAM, JSON.stringify(batch));
	return url.toString();
}

export function batchFromQuery(query: unknown): ResumeBatch | undefined {
	const raw = (query as Record<string, unknown> | undefined)?.[BATCH_QUERY_PARAM];
	if (typeof raw !== 'string') return undefined;
	try {
		const parsed = batchSchema.safeParse(JSON.parse(raw));
		return parsed.success ? parsed.data : undefined;
	} catch {
		return undefined;
	}
}

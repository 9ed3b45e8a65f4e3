import type { IBinaryData, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { sleepUnlessCancelled } from '../sleepUnlessCancelled';

import { throwIfCancelled } from '../transport/client';
import { backoffMs } from '../transport/retry';

const DOWNLOAD_ATTEMPTS = 3;
const DOWNLOAD_RETRY_BASE_MS = 1000;

/** What a download needs of n8n: an action node's context, or a trigger's webhook context. */
export interface DownloadContext {
	getNode(): INode;
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequest' | 'prepareBinaryData'>;
	getExecutionCancelSignal?: () => AbortSignal | undefined;
}

/** CDNs often label a video as a generic byte stream, or not at all: it is the MP4 APIXO made. */
export function videoMimeType(contentType: string | undefined): string {
	const type = contentType?.split(';')[0]?.trim().toLowerCase();
	if (!type || type === 'application/octet-stream' || type === 'binary/octet-stream') return 'video/mp4';
	return type;
}

/**
 * Streams a result file into n8n's binary data, so a large video never has to fit in memory.
 * Result URLs are public file hosts, not APIXO's API: the request carries no API key.
 */
export async function downloadVideo(
	ctx: DownloadContext,
	url: string,
	fileName: string,
	settings: { requestTimeoutMs: number; expiresAt?: number },
): Promise<IBinaryData> {
	const signal = ctx.getExecutionCancelSignal?.();
	for (let attempt = 1; ; attempt++) {
		try {
			const response = (await ctx.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				returnFullResponse: true,
				timeout: settings.requestTimeoutMs,
				abortSignal: signal,
			})) as { body: Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0]; headers: Record<string, string | undefined> };
			return await ctx.helpers.prepareBinaryData(response.body, fileName, videoMimeType(response.headers['content-type']));
		} catch (error) {
			throwIfCancelled(signal);
			if (settings.expiresAt !== undefined && Date.now() >= settings.expiresAt) {
				throw new NodeOperationError(ctx.getNode(), `The video URL has expired: ${url}`, {
					description: `APIXO keeps result URLs for 24 hours after the task completes; this one expired at ${new Date(settings.expiresAt).toISOString()}. The video cannot be fetched any more: run the item again for a new one (a new task is charged again). (${(error as Error).message})`,
				});
			}
			if (attempt >= DOWNLOAD_ATTEMPTS) {
				throw new NodeOperationError(ctx.getNode(), `Could not download the video from ${url}`, {
					description: `The task succeeded and was paid for; the video is still at that URL. Turn off the Download option to get the URL only, or download it with an HTTP Request node. (${(error as Error).message})`,
				});
			}
			await sleepUnlessCancelled(backoffMs(attempt, DOWNLOAD_RETRY_BASE_MS), signal);
		}
	}
}

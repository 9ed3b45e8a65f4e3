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

/**
 * Streams a result file into n8n's binary data, so a large video never has to fit in memory.
 * Result URLs are public file hosts, not APIXO's API: the request carries no API key.
 */
export async function downloadVideo(
	ctx: DownloadContext,
	url: string,
	fileName: string,
	settings: { requestTimeoutMs: number },
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
			const mimeType = response.headers['content-type']?.split(';')[0]?.trim() || 'video/mp4';
			return await ctx.helpers.prepareBinaryData(response.body, fileName, mimeType);
		} catch (error) {
			throwIfCancelled(signal);
			if (attempt >= DOWNLOAD_ATTEMPTS) {
				throw new NodeOperationError(ctx.getNode(), `Could not download the video from ${url}`, {
					description: `The task succeeded and was paid for; the video is still at that URL. Turn off the Download option to get the URL only, or download it with an HTTP Request node. (${(error as Error).message})`,
				});
			}
			await sleepUnlessCancelled(backoffMs(attempt, DOWNLOAD_RETRY_BASE_MS), signal);
		}
	}
}

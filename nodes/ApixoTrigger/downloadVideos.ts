import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { downloadVideo } from '../shared/output/downloadVideo';
import { videoFileName } from '../shared/output/videoItems';

interface DownloadOptions {
	download?: boolean;
	binaryPropertyName?: string;
}

const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * The trigger's second half, run by the execution its callback started: the video files into
 * binary data. A video is paid for, so one that cannot be downloaded still goes on, with its
 * URL and the reason.
 */
export async function downloadVideos(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const options = ctx.getNodeParameter('options', 0, {}) as DownloadOptions;
	if (options.download === false) return [items];
	const property = options.binaryPropertyName || 'data';
	return [
		await Promise.all(
			items.map(async (item) => {
				const { taskId, videoUrl, videoIndex, videoUrls } = item.json;
				if (item.json.state !== 'success' || typeof videoUrl !== 'string') return item;
				const count = Array.isArray(videoUrls) ? videoUrls.length : 1;
				const fileName = videoFileName(String(taskId), Number(videoIndex ?? 0), count);
				try {
					const binary = await downloadVideo(ctx, videoUrl, fileName, { requestTimeoutMs: DOWNLOAD_TIMEOUT_MS });
					return { ...item, binary: { ...item.binary, [property]: binary } };
				} catch (error) {
					return { ...item, json: { ...item.json, downloadError: (error as Error).message } };
				}
			}),
		),
	];
}

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ApiInput, ApiMode } from '../api/schemas';
import { MODEL_ID } from '../api/schemas';
import { ConcurrencyLimit } from '../concurrency';
import type { CostEstimate } from '../cost/price';
import type { FinishedTask } from '../wait/readStatus';
import type { DownloadContext } from './downloadVideo';
import { downloadVideo } from './downloadVideo';

export interface DownloadSettings {
	download: boolean;
	binaryPropertyName: string;
	requestTimeoutMs: number;
	/** Downloads of one run at a time (Max Concurrency); unlimited when absent. */
	maxConcurrency?: number;
}

/**
 * One limit per node run, shared by every task of the batch: tasks finish on their own time,
 * and each would otherwise open its downloads the moment it does.
 */
const downloadLimits = new WeakMap<DownloadContext, ConcurrencyLimit>();

function downloadLimit(ctx: DownloadContext, maxConcurrency: number): ConcurrencyLimit {
	let limit = downloadLimits.get(ctx);
	if (!limit) downloadLimits.set(ctx, (limit = new ConcurrencyLimit(maxConcurrency)));
	return limit;
}

/** What the node knows of a task beyond APIXO's record: absent for a task it did not submit. */
export interface TaskOrigin {
	itemIndex: number;
	mode?: ApiMode;
	cost?: CostEstimate;
}

/** APIXO keeps result URLs for 24 hours after completion. */
export const RESULT_URL_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** One item per result URL, each paired with the input item that asked for the video. */
export async function videoItems(
	ctx: DownloadContext,
	task: FinishedTask,
	origin: TaskOrigin,
	settings: DownloadSettings,
): Promise<INodeExecutionData[]> {
	const { record, videoUrls } = task;
	const expiresAt = (record.completeTime ?? Date.now()) + RESULT_URL_LIFETIME_MS;
	return await Promise.all(
		videoUrls.map(async (videoUrl, videoIndex) => {
			const json: IDataObject = {
				taskId: record.taskId,
				model: MODEL_ID,
				mode: origin.mode ?? null,
				state: 'success',
				videoUrl,
				videoIndex,
				videoUrls,
				createTime: record.createTime ?? null,
				completeTime: record.completeTime ?? null,
				costTimeMs: record.costTime ?? null,
				billedSeconds: origin.cost?.billedSeconds ?? null,
				estimatedCostUsd: origin.cost?.estimatedCostUsd ?? null,
				expiresAt,
			};
			const item: INodeExecutionData = { json, pairedItem: { item: origin.itemIndex } };
			if (settings.download) {
				const fileName = videoFileName(record.taskId, videoIndex, videoUrls.length);
				const download = async () => await downloadVideo(ctx, videoUrl, fileName, { ...settings, expiresAt });
				const binary = settings.maxConcurrency
					? await downloadLimit(ctx, settings.maxConcurrency).run(download)
					: await download();
				item.binary = { [settings.binaryPropertyName]: binary };
			}
			return item;
		}),
	);
}

/** `<taskId>.mp4`, or `<taskId>-<n>.mp4` when a task made several videos. */
export function videoFileName(taskId: string, videoIndex: number, videoCount: number): string {
	return videoCount === 1 ? `${taskId}.mp4` : `${taskId}-${videoIndex + 1}.mp4`;
}

/** The item of a task that was submitted but not waited for. */
export function submittedItem(
	taskId: string,
	input: ApiInput,
	origin: TaskOrigin,
	callbackUrl?: string,
): INodeExecutionData {
	const json: IDataObject = {
		taskId,
		model: MODEL_ID,
		mode: input.mode,
		state: 'submitted',
		billedSeconds: origin.cost?.billedSeconds ?? null,
		estimatedCostUsd: origin.cost?.estimatedCostUsd ?? null,
	};
	if (callbackUrl) json.callbackUrl = callbackUrl;
	return { json, pairedItem: { item: origin.itemIndex } };
}

/** The item of a Dry Run task: what it would cost and the body a real run would send. */
export function plannedItem(input: ApiInput, origin: TaskOrigin, request: IDataObject): INodeExecutionData {
	const json: IDataObject = {
		model: MODEL_ID,
		mode: input.mode,
		state: 'planned',
		billedSeconds: origin.cost?.billedSeconds ?? null,
		estimatedCostUsd: origin.cost?.estimatedCostUsd ?? null,
		request,
	};
	return { json, pairedItem: { item: origin.itemIndex } };
}

import type { KlingInput } from './rules';
import type { FetchedMedia, TaskOutcome } from './types';

/**
 * What APIXO does with the media URLs of a task before rendering: it downloads them. A URL it
 * cannot fetch, or that is not an image (video), fails the task with the reference's fail code.
 * Every file fetched is kept, so a test can compare it with what the workflow sent.
 */
export async function fetchTaskMedia(input: KlingInput, timeoutMs: number, fetched: FetchedMedia[]): Promise<TaskOutcome> {
	const images = 'image_urls' in input ? input.image_urls : [];
	const videos = 'video_urls' in input ? input.video_urls : [];
	for (const url of images) {
		const problem = await fetchProblem(url, 'image', timeoutMs, fetched);
		if (problem) return { failCode: 'INVALID_IMAGE_URL', failMsg: `image ${url}: ${problem}` };
	}
	for (const url of videos) {
		const problem = await fetchProblem(url, 'video', timeoutMs, fetched);
		if (problem) return { failCode: 'INVALID_VIDEO_URL', failMsg: `video ${url}: ${problem}` };
	}
	return undefined;
}

async function fetchProblem(url: string, kind: 'image' | 'video', timeoutMs: number, fetched: FetchedMedia[]): Promise<string | undefined> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
		const contentType = response.headers.get('content-type') ?? '';
		if (!response.ok) {
			await response.body?.cancel();
			return `HTTP ${response.status}`;
		}
		fetched.push({ url, kind, contentType, bytes: Buffer.from(await response.arrayBuffer()) });
		if (!contentType.startsWith(`${kind}/`) && !/octet-stream/.test(contentType)) return `not ${kind === 'image' ? 'an image' : 'a video'} (${contentType || 'no type'})`;
		return undefined;
	} catch (error) {
		return `could not be fetched (${(error as Error).message})`;
	}
}

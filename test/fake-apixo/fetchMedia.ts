import type { KlingInput } from './rules';
import type { TaskOutcome } from './types';

/**
 * What APIXO does with the media URLs of a task before rendering: it downloads them. A URL it
 * cannot fetch, or that is not an image (video), fails the task with the reference's fail code.
 */
export async function fetchTaskMedia(input: KlingInput, timeoutMs: number): Promise<TaskOutcome> {
	const images = 'image_urls' in input ? input.image_urls : [];
	const videos = 'video_urls' in input ? input.video_urls : [];
	for (const url of images) {
		const problem = await fetchProblem(url, 'image', timeoutMs);
		if (problem) return { failCode: 'INVALID_IMAGE_URL', failMsg: `image ${url}: ${problem}` };
	}
	for (const url of videos) {
		const problem = await fetchProblem(url, 'video', timeoutMs);
		if (problem) return { failCode: 'INVALID_VIDEO_URL', failMsg: `video ${url}: ${problem}` };
	}
	return undefined;
}

async function fetchProblem(url: string, kind: 'image' | 'video', timeoutMs: number): Promise<string | undefined> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
		const type = response.headers.get('content-type') ?? '';
		await response.body?.cancel();
		if (!response.ok) return `HTTP ${response.status}`;
		if (!type.startsWith(`${kind}/`) && !/octet-stream/.test(type)) return `not ${kind === 'image' ? 'an image' : 'a video'} (${type || 'no type'})`;
		return undefined;
	} catch (error) {
		return `could not be fetched (${(error as Error).message})`;
	}
}

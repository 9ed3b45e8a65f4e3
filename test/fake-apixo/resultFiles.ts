import type http from 'node:http';
import { pipeline } from 'node:stream';

import { largeMp4Stream, mp4Layout, smallMp4, type Mp4Layout } from './media';
import { jsonReply, type Reply } from './routes';
import { taskState } from './tasks';
import type { FakeApixoOptions, FakeApixoStats, FakeTask } from './types';

/** APIXO: "Result URLs expire after 24 hours." */
const RESULT_URL_TTL_MS = 24 * 60 * 60 * 1000;

/** The CDN that serves result files: no key, no rate limit, URLs that expire. */
export class ResultFiles {
	private readonly video: Buffer;
	private readonly large?: Mp4Layout;
	private inFlight = 0;

	constructor(
		private readonly options: FakeApixoOptions,
		private readonly stats: FakeApixoStats,
	) {
		this.video = options.videoBytes ?? smallMp4();
		if (options.largeFileBytes !== undefined) this.large = mp4Layout(options.largeFileBytes);
	}

	/** Whether file `file` of this task can be served now. */
	answer(task: FakeTask | undefined, file: number): Reply {
		if (!task) return jsonReply(404, 'task not found');
		if (taskState(task, Date.now()) !== 'success' || file >= task.resultUrls.length) {
			return jsonReply(404, 'file not found');
		}
		const ttl = this.options.resultUrlTtlMs ?? RESULT_URL_TTL_MS;
		if (Date.now() > task.readyAt + ttl) return jsonReply(404, 'file expired');
		return { status: 200, file: true };
	}

	/** Counts a GET from its arrival to the end of its answer, for `peakConcurrentDownloads`. */
	track(res: http.ServerResponse): void {
		this.inFlight++;
		this.stats.peakConcurrentDownloads = Math.max(this.stats.peakConcurrentDownloads, this.inFlight);
		res.on('close', () => this.inFlight--);
	}

	send(req: http.IncomingMessage, res: http.ServerResponse): void {
		const length = this.large ? this.large.totalBytes : this.video.length;
		const type = this.options.resultContentType === undefined ? 'video/mp4' : this.options.resultContentType;
		res.writeHead(200, { ...(type !== null && { 'content-type': type }), 'content-length': length });
		if (req.method === 'HEAD') return void res.end();
		if (!this.large) return void res.end(this.video);
		pipeline(largeMp4Stream(this.large), res, () => undefined);
	}
}

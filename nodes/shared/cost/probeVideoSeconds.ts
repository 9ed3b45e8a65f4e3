import type { IExecuteFunctions } from 'n8n-workflow';

/** Enough to find the `moov` box: top-level boxes are few, and `moov` is small. */
const MAX_TOP_LEVEL_BOXES = 16;
const MAX_MOOV_BYTES = 4 * 1024 * 1024;
/** Where a host ignores Range, bytes before an offset must be read and dropped: up to this. */
const MAX_SKIPPED_BYTES = 8 * 1024 * 1024;

type ByteStream = AsyncIterable<Buffer> & { destroy(): void };

/**
 * The length of an MP4/MOV reference video, read from its `mvhd` box with a few range
 * requests, never the whole file. APIXO bills motion control by this length, so knowing it
 * makes the cost estimate (and Max Cost) exact. Undefined when it cannot be read.
 */
export async function probeVideoSeconds(
	ctx: Pick<IExecuteFunctions, 'helpers'>,
	url: string,
	timeoutMs: number,
): Promise<number | undefined> {
	const read = async (offset: number, length: number) => await readRange(ctx, url, offset, length, timeoutMs);
	try {
		let offset = 0;
		for (let box = 0; box < MAX_TOP_LEVEL_BOXES; box++) {
			const header = await read(offset, 16);
			if (header.length < 8) return undefined;
			const type = header.toString('latin1', 4, 8);
			let size = header.readUInt32BE(0);
			let headerSize = 8;
			if (size === 1) {
				size = Number(header.readBigUInt64BE(8));
				headerSize = 16;
			}
			if (type === 'moov') {
				const moov = await read(offset + headerSize, Math.min(size - headerSize, MAX_MOOV_BYTES));
				return movieSeconds(moov);
			}
			if (size < headerSize) return undefined;
			offset += size;
		}
	} catch {
		return undefined;
	}
	return undefined;
}

/** Duration ÷ timescale of the `mvhd` box among the children of `moov`. */
function movieSeconds(moov: Buffer): number | undefined {
	for (let offset = 0; offset + 8 <= moov.length; ) {
		const size = moov.readUInt32BE(offset);
		if (moov.toString('latin1', offset + 4, offset + 8) === 'mvhd') {
			const body = offset + 8;
			const version = moov.readUInt8(body);
			const timescale = moov.readUInt32BE(body + (version === 1 ? 20 : 12));
			const duration =
				version === 1 ? Number(moov.readBigUInt64BE(body + 24)) : moov.readUInt32BE(body + 16);
			return timescale > 0 ? duration / timescale : undefined;
		}
		if (size < 8) return undefined;
		offset += size;
	}
	return undefined;
}

async function readRange(
	ctx: Pick<IExecuteFunctions, 'helpers'>,
	url: string,
	offset: number,
	length: number,
	timeoutMs: number,
): Promise<Buffer> {
	const response = (await ctx.helpers.httpRequest({
		method: 'GET',
		url,
		headers: { Range: `bytes=${offset}-${offset + length - 1}` },
		encoding: 'stream',
		returnFullResponse: true,
		timeout: timeoutMs,
	})) as { body: ByteStream; statusCode: number };
	// 206: the range itself; 200: the host ignored Range and sends the file from the start.
	let toSkip = response.statusCode === 206 ? 0 : offset;
	if (toSkip > MAX_SKIPPED_BYTES) {
		response.body.destroy();
		return Buffer.alloc(0);
	}
	const chunks: Buffer[] = [];
	let kept = 0;
	try {
		for await (const chunk of response.body) {
			const usable = toSkip >= chunk.length ? Buffer.alloc(0) : chunk.subarray(toSkip);
			toSkip = Math.max(0, toSkip - chunk.length);
			chunks.push(usable);
			kept += usable.length;
			if (kept >= length) break;
		}
	} finally {
		response.body.destroy();
	}
	return Buffer.concat(chunks).subarray(0, length);
}

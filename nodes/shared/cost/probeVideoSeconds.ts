import type { ProbeHelpers, RangeReaderSettings } from './rangeReader';
import { NotAVideo, RangeReader } from './rangeReader';

/** Enough to find the `moov` box: top-level boxes are few, and `moov` is small. */
const MAX_TOP_LEVEL_BOXES = 16;
const MAX_MOOV_BYTES = 4 * 1024 * 1024;
/** Boxes an MP4, MOV or M4V may open with. Anything else (an HTML page, a JPEG) is not one. */
export const OPENING_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'uuid', 'styp', 'sidx', 'moof', 'meta', 'pdin']);

/**
 * What the probe learnt of the reference video. `unmeasured` is priced at the 30 s worst
 * case; `notVideo` is refused before paying, since APIXO would fail the task.
 */
export type VideoProbe =
	| { kind: 'measured'; seconds: number }
	| { kind: 'unmeasured'; reason: string }
	| { kind: 'notVideo'; reason: string };

/**
 * The length of an MP4/MOV reference video, read from its `moov` box with a few range
 * requests, never the whole file. APIXO bills motion control by this length.
 */
export async function probeVideoSeconds(
	helpers: ProbeHelpers,
	url: string,
	settings: RangeReaderSettings,
): Promise<VideoProbe> {
	const reader = new RangeReader(helpers, url, settings);
	return await videoSecondsFrom(async (offset, length) => await reader.read(offset, length));
}

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export type ReadBytes = (offset: number, length: number) => Promise<Buffer>;

/** The length of an MP4/MOV/M4V, from wherever its bytes are: a remote file or binary data. */
export async function videoSecondsFrom(read: ReadBytes): Promise<VideoProbe> {
	try {
		let offset = 0;
		for (let box = 0; box < MAX_TOP_LEVEL_BOXES; box++) {
			const header = await read(offset, 16);
			if (header.length < 8) return { kind: 'unmeasured', reason: 'no moov box before the end of the file' };
			const type = header.toString('latin1', 4, 8);
			if (box === 0 && !OPENING_BOXES.has(type)) return { kind: 'notVideo', reason: 'is not an MP4, MOV or M4V file' };
			let size = header.readUInt32BE(0);
			let headerSize = 8;
			if (size === 1) {
				size = Number(header.readBigUInt64BE(8));
				headerSize = 16;
			}
			if (type === 'moov') {
				const moov = await read(offset + headerSize, Math.min(size - headerSize, MAX_MOOV_BYTES));
				return movieLength(moov);
			}
			if (size < headerSize) return { kind: 'unmeasured', reason: `box ${type} has no size` };
			offset += size;
		}
		return { kind: 'unmeasured', reason: 'no moov box among the first boxes' };
	} catch (error) {
		if (error instanceof NotAVideo) return { kind: 'notVideo', reason: error.message };
		return { kind: 'unmeasured', reason: (error as Error).message };
	}
}

/**
 * Duration ÷ timescale of `mvhd`. A fragmented MP4 (MediaRecorder, OBS) writes 0 there and
 * its length, if anywhere, in `mvex/mehd`; without it the length is unknown.
 */
function movieLength(moov: Buffer): VideoProbe {
	const mvhd = childBox(moov, 'mvhd');
	const version = mvhd?.readUInt8(0);
	if (!mvhd || mvhd.length < (version === 1 ? 32 : 20)) return { kind: 'unmeasured', reason: 'no readable mvhd box' };
	const timescale = mvhd.readUInt32BE(version === 1 ? 20 : 12);
	let duration = version === 1 ? Number(mvhd.readBigUInt64BE(24)) : mvhd.readUInt32BE(16);
	if (duration === 0 || duration === 0xffffffff) {
		const mehd = childBox(childBox(moov, 'mvex') ?? Buffer.alloc(0), 'mehd');
		if (!mehd || mehd.length < (mehd.readUInt8(0) === 1 ? 12 : 8)) {
			return { kind: 'unmeasured', reason: 'fragmented MP4 without a mehd box' };
		}
		duration = mehd.readUInt8(0) === 1 ? Number(mehd.readBigUInt64BE(4)) : mehd.readUInt32BE(4);
	}
	const seconds = duration / timescale;
	if (!Number.isFinite(seconds) || seconds <= 0) return { kind: 'unmeasured', reason: 'implausible duration' };
	return { kind: 'measured', seconds };
}

/** The body of the first child box of this type. */
function childBox(parent: Buffer, type: string): Buffer | undefined {
	for (let offset = 0; offset + 8 <= parent.length; ) {
		const size = parent.readUInt32BE(offset);
		if (size < 8) return undefined;
		if (parent.toString('latin1', offset + 4, offset + 8) === type) {
			const body = parent.subarray(offset + 8, offset + size);
			return body.length > 0 ? body : undefined;
		}
		offset += size;
	}
	return undefined;
}

import { Readable } from 'node:stream';

/*
 * A real, playable MP4 built in code: 32x32 H.264 (Constrained Baseline, CAVLC), one IDR frame of
 * I_PCM macroblocks (raw samples, so no entropy coding of residuals is needed) followed by P frames
 * made only of skipped macroblocks. 10 frames at 10 fps, about 2 KB.
 */

const WIDTH = 32;
const HEIGHT = 32;
const FRAMES = 10;
const TIMESCALE = 1000;
const FRAME_TICKS = 100;
const MB_COLS = WIDTH / 16;
const MB_ROWS = HEIGHT / 16;

class BitWriter {
	private readonly bytes: number[] = [];
	private current = 0;
	private count = 0;

	bits(value: number, width: number): this {
		for (let i = width - 1; i >= 0; i--) {
			this.current = (this.current << 1) | ((value >>> i) & 1);
			if (++this.count === 8) {
				this.bytes.push(this.current);
				this.current = 0;
				this.count = 0;
			}
		}
		return this;
	}

	/** Unsigned Exp-Golomb. */
	ue(value: number): this {
		const coded = value + 1;
		const length = 32 - Math.clz32(coded);
		return this.bits(0, length - 1).bits(coded, length);
	}

	se(value: number): this {
		return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
	}

	align(): this {
		while (this.count !== 0) this.bits(0, 1);
		return this;
	}

	trailing(): Buffer {
		this.bits(1, 1).align();
		return Buffer.from(this.bytes);
	}
}

/** NAL unit with emulation prevention (no 00 00 0x with x <= 3 inside the payload). */
function nal(refIdc: number, type: number, rbsp: Buffer): Buffer {
	const out: number[] = [(refIdc << 5) | type];
	let zeros = 0;
	for (const byte of rbsp) {
		if (zeros >= 2 && byte <= 3) {
			out.push(3);
			zeros = 0;
		}
		out.push(byte);
		zeros = byte === 0 ? zeros + 1 : 0;
	}
	return Buffer.from(out);
}

function sps(): Buffer {
	const w = new BitWriter();
	w.bits(66, 8).bits(0xc0, 8).bits(10, 8); // baseline, constraint_set0+1, level 1.0
	w.ue(0); // seq_parameter_set_id
	w.ue(0); // log2_max_frame_num_minus4
	w.ue(2); // pic_order_cnt_type: output order = decode order
	w.ue(1); // max_num_ref_frames
	w.bits(0, 1); // gaps_in_frame_num_value_allowed_flag
	w.ue(MB_COLS - 1).ue(MB_ROWS - 1);
	w.bits(1, 1).bits(1, 1).bits(0, 1).bits(0, 1); // frame_mbs_only, direct_8x8, no cropping, no VUI
	return nal(3, 7, w.trailing());
}

function pps(): Buffer {
	const w = new BitWriter();
	w.ue(0).ue(0); // pps id, sps id
	w.bits(0, 1).bits(0, 1); // CAVLC, no bottom_field_pic_order
	w.ue(0).ue(0).ue(0); // slice groups, ref idx l0/l1
	w.bits(0, 1).bits(0, 2); // weighted prediction off
	w.se(0).se(0).se(0); // qp, qs, chroma qp offset
	w.bits(0, 1).bits(0, 1).bits(0, 1); // deblocking ctrl, constrained intra, redundant pic cnt
	return nal(3, 8, w.trailing());
}

function idrSlice(): Buffer {
	const w = new BitWriter();
	w.ue(0).ue(7).ue(0); // first_mb, slice_type I (all), pps id
	w.bits(0, 4); // frame_num
	w.ue(0); // idr_pic_id
	w.bits(0, 1).bits(0, 1); // dec_ref_pic_marking: no_output_of_prior_pics, long_term_reference
	w.se(0); // slice_qp_delta
	for (let mb = 0; mb < MB_COLS * MB_ROWS; mb++) {
		w.ue(25).align(); // mb_type I_PCM, then pcm_alignment_zero_bits
		const luma = 60 + 40 * mb;
		for (let i = 0; i < 256; i++) w.bits(luma + ((i >> 4) & 15), 8);
		for (let i = 0; i < 64; i++) w.bits(mb % 2 === 0 ? 90 : 170, 8); // Cb
		for (let i = 0; i < 64; i++) w.bits(mb < MB_COLS ? 200 : 80, 8); // Cr
	}
	return nal(3, 5, w.trailing());
}

function skipSlice(frameNum: number): Buffer {
	const w = new BitWriter();
	w.ue(0).ue(5).ue(0); // first_mb, slice_type P (all), pps id
	w.bits(frameNum % 16, 4);
	w.bits(0, 1); // num_ref_idx_active_override_flag
	w.bits(0, 1); // ref_pic_list_modification_flag_l0
	w.bits(0, 1); // adaptive_ref_pic_marking_mode_flag
	w.se(0); // slice_qp_delta
	w.ue(MB_COLS * MB_ROWS); // mb_skip_run covering the whole picture
	return nal(2, 1, w.trailing());
}

const u8 = (...values: number[]): Buffer => Buffer.from(values);
function u16(...values: number[]): Buffer {
	const b = Buffer.alloc(values.length * 2);
	values.forEach((v, i) => b.writeUInt16BE(v, i * 2));
	return b;
}
function u32(...values: number[]): Buffer {
	const b = Buffer.alloc(values.length * 4);
	values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
	return b;
}

function box(type: string, ...payload: Buffer[]): Buffer {
	const body = Buffer.concat(payload);
	return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}
function fullBox(type: string, flags: number, ...payload: Buffer[]): Buffer {
	return box(type, u32(flags & 0xffffff), ...payload);
}

const MATRIX = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);

function moov(samples: Buffer[], spsNal: Buffer, ppsNal: Buffer, chunkOffset: number): Buffer {
	const durationMs = FRAMES * FRAME_TICKS;
	const avcC = box(
		'avcC',
		u8(1, 66, 0xc0, 10, 0xff, 0xe1),
		u16(spsNal.length),
		spsNal,
		u8(1),
		u16(ppsNal.length),
		ppsNal,
	);
	const compressorName = Buffer.alloc(32);
	const avc1 = box(
		'avc1',
		Buffer.alloc(6),
		u16(1, 0, 0),
		u32(0, 0, 0),
		u16(WIDTH, HEIGHT),
		u32(0x480000, 0x480000, 0),
		u16(1),
		compressorName,
		u16(0x18, 0xffff),
		avcC,
	);
	const stbl = box(
		'stbl',
		fullBox('stsd', 0, u32(1), avc1),
		fullBox('stts', 0, u32(1, FRAMES, FRAME_TICKS)),
		fullBox('stss', 0, u32(1, 1)),
		fullBox('stsc', 0, u32(1, 1, FRAMES, 1)),
		fullBox('stsz', 0, u32(0, FRAMES, ...samples.map((s) => s.length))),
		fullBox('stco', 0, u32(1, chunkOffset)),
	);
	const minf = box(
		'minf',
		fullBox('vmhd', 1, u16(0, 0, 0, 0)),
		box('dinf', fullBox('dref', 0, u32(1), fullBox('url ', 1))),
		stbl,
	);
	const mdia = box(
		'mdia',
		fullBox('mdhd', 0, u32(0, 0, TIMESCALE, durationMs), u16(0x55c4, 0)),
		fullBox('hdlr', 0, u32(0), Buffer.from('vide'), u32(0, 0, 0), Buffer.from('VideoHandler\0')),
		minf,
	);
	const tkhd = fullBox(
		'tkhd',
		3,
		u32(0, 0, 1, 0, durationMs, 0, 0),
		u16(0, 0, 0, 0),
		MATRIX,
		u32(WIDTH << 16, HEIGHT << 16),
	);
	const mvhd = fullBox(
		'mvhd',
		0,
		u32(0, 0, TIMESCALE, durationMs, 0x10000),
		u16(0x100, 0),
		u32(0, 0),
		MATRIX,
		u32(0, 0, 0, 0, 0, 0, 2),
	);
	return box('moov', mvhd, box('trak', tkhd, mdia));
}

export interface Mp4Layout {
	/** ftyp + moov + mdat header + the encoded frames; the rest of the file (if any) is zero padding. */
	head: Buffer;
	totalBytes: number;
}

/**
 * Layout of a valid MP4 of exactly `totalBytes` (padding inside mdat after the frames), or of its
 * natural size when `totalBytes` is absent. Sizes below the natural size get a truncated file.
 */
export function mp4Layout(totalBytes?: number): Mp4Layout {
	const spsNal = sps();
	const ppsNal = pps();
	const frames = [idrSlice(), ...Array.from({ length: FRAMES - 1 }, (_, i) => skipSlice(i + 1))];
	const samples = frames.map((f) => Buffer.concat([u32(f.length), f]));
	const sampleData = Buffer.concat(samples);
	const ftyp = box('ftyp', Buffer.from('isom'), u32(0x200), Buffer.from('isomiso2avc1mp41'));
	const moovLength = moov(samples, spsNal, ppsNal, 0).length;
	const natural = ftyp.length + moovLength + 8 + sampleData.length;
	const total = totalBytes ?? natural;
	const mdatSize = total - ftyp.length - moovLength;
	const largeMdat = mdatSize > 0xffffffff;
	const mdatHeader = largeMdat
		? Buffer.concat([u32(1), Buffer.from('mdat'), u32(Math.floor(mdatSize / 2 ** 32), mdatSize % 2 ** 32)])
		: Buffer.concat([u32(Math.max(mdatSize, 0)), Buffer.from('mdat')]);
	const movie = moov(samples, spsNal, ppsNal, ftyp.length + moovLength + mdatHeader.length);
	const head = Buffer.concat([ftyp, movie, mdatHeader, sampleData]);
	if (total < head.length) return { head: head.subarray(0, total), totalBytes: total };
	return { head, totalBytes: total };
}

let cachedSmall: Buffer | undefined;
/** The default result video (a fresh copy each call, so callers may mutate it). */
export function smallMp4(): Buffer {
	cachedSmall ??= mp4Layout().head;
	return Buffer.from(cachedSmall);
}

const ZEROS = Buffer.alloc(64 * 1024);

/** A stream of a `totalBytes` MP4 that never holds more than one 64 KB chunk in memory. */
export function largeMp4Stream(layout: Mp4Layout): Readable {
	let sent = 0;
	return new Readable({
		read() {
			if (sent === 0 && layout.head.length > 0) {
				sent = layout.head.length;
				this.push(layout.head);
				return;
			}
			const remaining = layout.totalBytes - sent;
			if (remaining <= 0) {
				this.push(null);
				return;
			}
			const chunk = remaining >= ZEROS.length ? ZEROS : ZEROS.subarray(0, remaining);
			sent += chunk.length;
			this.push(chunk);
		},
	});
}

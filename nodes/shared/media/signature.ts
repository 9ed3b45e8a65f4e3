import { OPENING_BOXES } from '../cost/probeVideoSeconds';

export type MediaKind = 'image' | 'video';

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the bytes are, by their signature, whatever the file name or mime type claim. */
export function mediaKindOf(head: Buffer): MediaKind | undefined {
	if (head.subarray(0, JPEG.length).equals(JPEG) || head.subarray(0, PNG.length).equals(PNG)) return 'image';
	if (head.length >= 8 && OPENING_BOXES.has(head.toString('latin1', 4, 8))) return 'video';
	return undefined;
}

/** APIXO's limit for an image it fetches. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

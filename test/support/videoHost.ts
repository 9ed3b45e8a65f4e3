import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { smallMp4 } from '../fake-apixo';

/**
 * The fake's small MP4 (ftyp, moov, mdat), told to last `seconds` (only `mvhd` changes), with
 * `mdatPadding` extra media bytes to make it as large as a real video.
 */
export function mp4Lasting(
	seconds: number,
	layout: 'moovFirst' | 'moovLast' = 'moovFirst',
	mdatPadding = 0,
): Buffer {
	const file = smallMp4();
	const mvhd = file.indexOf('mvhd', 0, 'latin1');
	const timescale = file.readUInt32BE(mvhd + 4 + 12);
	file.writeUInt32BE(Math.round(seconds * timescale), mvhd + 4 + 16);
	const boxes = topLevelBoxes(file);
	const mdat = boxes.find((b) => b.type === 'mdat')!;
	mdat.bytes = Buffer.concat([mdat.bytes, Buffer.alloc(mdatPadding)]);
	mdat.bytes.writeUInt32BE(mdat.bytes.length, 0);
	const order = layout === 'moovFirst' ? ['ftyp', 'moov', 'mdat'] : ['ftyp', 'mdat', 'moov'];
	return Buffer.concat(order.map((type) => boxes.find((b) => b.type === type)!.bytes));
}

/**
 * A fragmented MP4 as MediaRecorder or OBS write it: `mvhd` says 0, and the length is only in
 * `moov/mvex/mehd` (when `mehdSeconds` is given) and in the fragments.
 */
export function fragmentedMp4(mehdSeconds?: number): Buffer {
	const file = mp4Lasting(0);
	const mvhd = file.indexOf('mvhd', 0, 'latin1');
	const timescale = file.readUInt32BE(mvhd + 4 + 12);
	const boxes = topLevelBoxes(file);
	const moov = boxes.find((b) => b.type === 'moov')!;
	const children: Buffer[] = [moov.bytes.subarray(8)];
	if (mehdSeconds !== undefined) {
		const mehd = Buffer.alloc(16);
		mehd.writeUInt32BE(16, 0);
		mehd.write('mehd', 4, 'latin1');
		mehd.writeUInt32BE(Math.round(mehdSeconds * timescale), 12);
		const mvex = Buffer.concat([Buffer.alloc(8), mehd]);
		mvex.writeUInt32BE(mvex.length, 0);
		mvex.write('mvex', 4, 'latin1');
		children.push(mvex);
	}
	const body = Buffer.concat(children);
	const header = Buffer.alloc(8);
	header.writeUInt32BE(body.length + 8, 0);
	header.write('moov', 4, 'latin1');
	moov.bytes = Buffer.concat([header, body]);
	return Buffer.concat(['ftyp', 'moov', 'mdat'].map((type) => boxes.find((b) => b.type === type)!.bytes));
}

function topLevelBoxes(file: Buffer) {
	const boxes: Array<{ type: string; bytes: Buffer }> = [];
	for (let offset = 0; offset < file.length; ) {
		const size = file.readUInt32BE(offset);
		boxes.push({ type: file.toString('latin1', offset + 4, offset + 8), bytes: file.subarray(offset, offset + size) });
		offset += size;
	}
	return boxes;
}

/**
 * A loopback file host for reference videos: honours Range like a CDN (or ignores it, like
 * a plain server), and counts the bytes it sent, to prove the node never fetched a whole file.
 */
export async function startVideoHost(
	files: Record<string, Buffer>,
	{ honourRange = true, contentType = 'video/mp4', redirects = {} as Record<string, string> } = {},
) {
	let bytesSent = 0;
	let requests = 0;
	const server = http.createServer((req, res) => {
		requests++;
		const redirect = redirects[req.url ?? ''];
		if (redirect) {
			res.writeHead(302, { location: redirect }).end();
			return;
		}
		const file = files[req.url ?? ''];
		if (!file) {
			res.writeHead(404).end();
			return;
		}
		const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
		if (honourRange && range) {
			const start = Number(range[1]);
			const end = Math.min(Number(range[2]), file.length - 1);
			const slice = file.subarray(start, end + 1);
			bytesSent += slice.length;
			res.writeHead(206, { 'content-type': contentType, 'content-range': `bytes ${start}-${end}/${file.length}` });
			res.end(slice);
			return;
		}
		bytesSent += file.length;
		res.writeHead(200, { 'content-type': contentType }).end(file);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: (path: string) => `http://127.0.0.1:${port}${path}`,
		bytesSent: () => bytesSent,
		requests: () => requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

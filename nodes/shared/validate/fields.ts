import { z } from 'zod';

import { publicUrlProblem } from './publicUrl';

/**
 * Field rules shared by the video operations. Each message names the allowed values and the
 * fix, because it reaches the user as "Item N: <field>: <message>".
 */

/** Values read from a sheet arrive as strings: "5" is a fine duration, "abc" is not. */
const numberFromText = (value: unknown) =>
	typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
		? Number(value)
		: value;

const TRUE_TEXT = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE_TEXT = new Set(['false', '0', 'no', 'n', 'off']);

/** Sheets send "TRUE", forms "yes", expressions 1: each means what the user meant. */
export const booleanFromText = (value: unknown) => {
	if (value === 1 || value === 0) return value === 1;
	if (typeof value !== 'string') return value;
	const text = value.trim().toLowerCase();
	return TRUE_TEXT.has(text) ? true : FALSE_TEXT.has(text) ? false : value;
};

/** A prompt from a sheet may be a number (a product code, a year): it is still text. */
const textFromNumber = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value);

/** " 9:16", "Video": a choice typed or mapped by hand, trimmed and in the case of its values. */
const choiceFromText = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

const blankToUndefined = (value: unknown) =>
	value === '' || value === null || (typeof value === 'string' && value.trim() === '')
		? undefined
		: value;

export const requiredPrompt = z.preprocess(
	textFromNumber,
	z
		.string({
			required_error: 'is required: describe the video you want',
			invalid_type_error: 'must be text',
		})
		.trim()
		.min(1, 'is required: describe the video you want'),
);

export const optionalText = z.preprocess(
	(value) => textFromNumber(blankToUndefined(value)),
	z.string({ invalid_type_error: 'must be text' }).trim().optional(),
);

export const duration = z.preprocess(
	numberFromText,
	z
		.number({
			required_error: 'is required: use a whole number of seconds from 3 to 15',
			invalid_type_error: 'must be a whole number of seconds from 3 to 15',
		})
		.int('must be a whole number of seconds from 3 to 15')
		.min(3, 'must be at least 3 seconds (allowed: 3 to 15)')
		.max(15, 'must be at most 15 seconds (allowed: 3 to 15)'),
);

export const sound = z.preprocess(
	booleanFromText,
	z.boolean({ invalid_type_error: 'must be true or false (also TRUE/FALSE, yes/no, 1/0)' }),
);

/** The “Allow Private URLs” option, as each operation reads it with its item's parameters. */
export const allowPrivateUrls = z.preprocess(booleanFromText, z.boolean()).default(false);

export const cfgScale = z.preprocess(
	(value) => numberFromText(blankToUndefined(value)),
	z
		.number({ invalid_type_error: 'must be a number from 0 to 1' })
		.min(0, 'must be from 0 to 1 (lower follows the prompt less strictly)')
		.max(1, 'must be from 0 to 1 (higher follows the prompt more strictly)')
		.optional(),
);

export const aspectRatio = z.preprocess(
	choiceFromText,
	z.enum(['16:9', '9:16', '1:1'], {
		errorMap: () => ({ message: 'must be one of 16:9, 9:16 or 1:1' }),
	}),
);

const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png'];
const VIDEO_EXTENSIONS = ['mp4', 'mov', 'm4v'];
/** Files that are surely not media. A script (.php, .aspx) or no extension may well serve an image. */
const DOCUMENT_EXTENSIONS = ['txt', 'html', 'htm', 'xhtml', 'json', 'xml', 'csv', 'pdf', 'doc', 'docx', 'md', 'js', 'css', 'zip', 'gz', 'rar', '7z', 'mp3', 'wav', 'm4a', 'aac', 'ogg', 'flac'];
const OTHER_IMAGE_EXTENSIONS = ['gif', 'webp', 'bmp', 'tif', 'tiff', 'svg', 'heic', 'heif', 'avif', 'ico'];
const OTHER_VIDEO_EXTENSIONS = ['webm', 'avi', 'mkv', 'wmv', 'flv', 'mpg', 'mpeg', '3gp', 'ts'];
const REFUSED_EXTENSIONS = {
	image: new Set([...DOCUMENT_EXTENSIONS, ...OTHER_IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS, ...OTHER_VIDEO_EXTENSIONS]),
	video: new Set([...DOCUMENT_EXTENSIONS, ...OTHER_VIDEO_EXTENSIONS, ...IMAGE_EXTENSIONS, ...OTHER_IMAGE_EXTENSIONS]),
};

/**
 * An http(s) URL. A path whose extension is known not to be a media file APIXO decodes is
 * refused; any other (a script, a signed CDN path, none) is left for APIXO to fetch.
 */
function mediaUrl(kind: 'image' | 'video', extensions: string[]) {
	const expected = `a public http(s) URL of a ${extensions.map((e) => e.toUpperCase()).join(', ')} ${kind}`;
	return z.preprocess(
		blankToUndefined,
		z
			.string({ required_error: `is required: use ${expected}`, invalid_type_error: `must be ${expected}` })
			.trim()
			.superRefine((value, ctx) => {
				let url: URL;
				try {
					url = new URL(value);
				} catch {
					ctx.addIssue({ code: 'custom', message: `is not a URL: use ${expected}` });
					return;
				}
				if (url.protocol !== 'http:' && url.protocol !== 'https:') {
					ctx.addIssue({ code: 'custom', message: `must start with https:// (use ${expected})` });
					return;
				}
				const extension = /\.([a-z0-9]{2,5})$/i.exec(url.pathname)?.[1]?.toLowerCase();
				if (extension && REFUSED_EXTENSIONS[kind].has(extension)) {
					ctx.addIssue({
						code: 'custom',
						message: `points at a .${extension} file: use ${expected}`,
					});
				}
			}),
	);
}

export const imageUrl = mediaUrl('image', IMAGE_EXTENSIONS);
export const optionalImageUrl = z.preprocess(blankToUndefined, imageUrl.optional());
export const videoUrl = mediaUrl('video', VIDEO_EXTENSIONS);

export const characterOrientation = z.preprocess(
	choiceFromText,
	z.enum(['video', 'image'], {
		errorMap: () => ({ message: 'must be "video" or "image"' }),
	}),
);

/**
 * Refines an operation's parameters: its media URLs must be on hosts APIXO can reach, unless
 * “Allow Private URLs” is on. Checked before anything is paid for.
 */
export function mediaHostsArePublic<Key extends string>(keys: readonly Key[]) {
	return (value: Partial<Record<Key, string>> & { allowPrivateUrls: boolean }, ctx: z.RefinementCtx) => {
		if (value.allowPrivateUrls) return;
		for (const key of keys) {
			const url = value[key];
			const problem = url === undefined ? undefined : publicUrlProblem(url);
			if (problem) {
				ctx.addIssue({
					code: 'custom',
					path: [key],
					message: `${problem}: use a public URL, or turn on “Allow Private URLs” for a tunnel or a test`,
				});
			}
		}
	};
}

export const shots = z
	.array(
		z.object({
			prompt: requiredPrompt,
			duration: z.preprocess(
				numberFromText,
				z
					.number({ invalid_type_error: 'must be a whole number of seconds' })
					.int('must be a whole number of seconds')
					.min(1, 'must be at least 1 second'),
			),
		}),
	)
	.optional();

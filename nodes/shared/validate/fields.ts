import { z } from 'zod';

/**
 * Field rules shared by the video operations. Each message names the allowed values and the
 * fix, because it reaches the user as "Item N: <field>: <message>".
 */

/** Values read from a sheet arrive as strings: "5" is a fine duration, "abc" is not. */
const numberFromText = (value: unknown) =>
	typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
		? Number(value)
		: value;

const booleanFromText = (value: unknown) =>
	value === 'true' ? true : value === 'false' ? false : value;

const blankToUndefined = (value: unknown) =>
	value === '' || value === null || (typeof value === 'string' && value.trim() === '')
		? undefined
		: value;

export const requiredPrompt = z
	.string({
		required_error: 'is required: describe the video you want',
		invalid_type_error: 'must be text',
	})
	.trim()
	.min(1, 'is required: describe the video you want');

export const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());

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
	z.boolean({ invalid_type_error: 'must be true or false' }),
);

export const cfgScale = z.preprocess(
	(value) => numberFromText(blankToUndefined(value)),
	z
		.number({ invalid_type_error: 'must be a number from 0 to 1' })
		.min(0, 'must be from 0 to 1 (lower follows the prompt less strictly)')
		.max(1, 'must be from 0 to 1 (higher follows the prompt more strictly)')
		.optional(),
);

export const aspectRatio = z.enum(['16:9', '9:16', '1:1'], {
	errorMap: () => ({ message: 'must be one of 16:9, 9:16 or 1:1' }),
});

const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png'];
const VIDEO_EXTENSIONS = ['mp4', 'mov', 'm4v'];

/**
 * A public http(s) URL. A path with a file extension must carry one APIXO can decode; many
 * signed or CDN URLs have none, and those are left for APIXO to probe.
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
				if (extension && !extensions.includes(extension)) {
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

export const characterOrientation = z.enum(['video', 'image'], {
	errorMap: () => ({ message: 'must be "video" or "image"' }),
});

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

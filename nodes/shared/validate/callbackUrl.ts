import { z } from 'zod';

import { isPublicHost } from './publicUrl';

/**
 * The URL APIXO will POST the result to. APIXO calls it from the internet, so it must be a
 * public https URL; `allowPrivate` lets tests and tunnels use a local http one.
 */
export function callbackUrlSchema(allowPrivate: boolean) {
	return z
		.string({ required_error: 'is required in Callback wait mode: use the APIXO Trigger’s URL' })
		.trim()
		.min(1, 'is required in Callback wait mode: use the APIXO Trigger’s URL')
		.superRefine((value, ctx) => {
			let url: URL;
			try {
				url = new URL(value);
			} catch {
				ctx.addIssue({ code: 'custom', message: 'is not a URL: copy the APIXO Trigger’s production URL' });
				return;
			}
			if (allowPrivate) {
				if (url.protocol !== 'https:' && url.protocol !== 'http:') {
					ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
				}
				return;
			}
			if (url.protocol !== 'https:') {
				ctx.addIssue({
					code: 'custom',
					message: 'must be an https URL: APIXO only calls back over https (turn on “Allow Private URLs” to test locally)',
				});
			} else if (!isPublicHost(url.hostname)) {
				ctx.addIssue({
					code: 'custom',
					message: `points at a private host (${url.hostname}) that APIXO cannot reach: set n8n’s WEBHOOK_URL to a public address, or turn on “Allow Private URLs” for tests`,
				});
			}
		});
}

import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import type { ItemCheck } from './validateItems';

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

/**
 * Callback mode reads the Callback URL per item, so each row can carry its own query (the
 * trigger passes it back). Refused before paying: a URL that is not public https, one without
 * the trigger's `?token=` (every delivery would get 403), and n8n's Test URL for more than one
 * item (it takes a single call, so the other videos would be lost).
 */
export function withCallbackUrls<Task extends object>(
	ctx: IExecuteFunctions,
	checks: Array<ItemCheck<Task>>,
	allowPrivate: boolean,
): Array<ItemCheck<Task & { callbackUrl: string }>> {
	const schema = callbackUrlSchema(allowPrivate);
	return checks.map((check) => {
		if (!check.ok) return check;
		const { itemIndex } = check;
		const fail = (problem: string) => ({
			itemIndex,
			ok: false as const,
			error: new NodeOperationError(ctx.getNode(), `Item ${itemIndex + 1}: Callback URL ${problem}`, {
				itemIndex,
				description: 'Nothing was sent to APIXO, so nothing was charged. Fix the Callback URL and run again.',
			}),
		});
		const parsed = schema.safeParse(ctx.getNodeParameter('callbackUrl', itemIndex, ''));
		if (!parsed.success) return fail(parsed.error.issues[0].message);
		const url = new URL(parsed.data);
		if (!url.searchParams.get('token')) {
			return fail('has no ?token=: add the APIXO Trigger’s Secret Token (…/apixo?token=<Secret Token>), or every callback gets 403');
		}
		if (url.pathname.includes('/webhook-test/') && checks.length > 1) {
			return fail(
				'is the APIXO Trigger’s Test URL, which takes a single call: use its Production URL (publish the workflow) for a batch of more than one item',
			);
		}
		return { ...check, value: { ...check.value, callbackUrl: parsed.data } };
	});
}

import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isPublicHost } from '../../../../shared/validate/publicUrl';

/** n8n's resume URL for this execution, refused before paying when APIXO could not call it. */
export function reachableResumeUrl(ctx: IExecuteFunctions, allowPrivate: boolean): string {
	const resumeUrl = ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	const fail = (message: string, description: string) =>
		new NodeOperationError(ctx.getNode(), message, { description: `${description} Nothing was sent to APIXO.` });
	let url: URL;
	try {
		url = new URL(String(resumeUrl));
	} catch {
		throw fail('n8n gave no resume URL for this execution', 'Resume mode needs a saved workflow run by n8n; use Poll mode here.');
	}
	if (allowPrivate) return url.toString();
	if (url.protocol !== 'https:' || !isPublicHost(url.hostname)) {
		throw fail(
			`APIXO cannot reach this n8n’s resume URL (${url.origin})`,
			'APIXO calls back only public https URLs. Set n8n’s WEBHOOK_URL to the public https address of this instance (e.g. https://n8n.example.com/), use Poll mode, or turn on the option “Allow Private URLs” for a tunnel or a test.',
		);
	}
	return url.toString();
}

import { NodeConnectionTypes as connectionTypesOfThisN8n } from 'n8n-workflow';

/** The oldest n8n this package runs on: the first whose n8n-workflow has `NodeConnectionTypes`. */
export const OLDEST_SUPPORTED_N8N = '1.85.0';

/**
 * n8n-workflow's `NodeConnectionTypes`, checked when the node module loads: on an n8n older
 * than 1.85 loading stops with what to do, instead of "Cannot read properties of undefined".
 */
export const NodeConnectionTypes = requireSupportedN8n();

function requireSupportedN8n(): typeof connectionTypesOfThisN8n {
	if (connectionTypesOfThisN8n === undefined) {
		throw new Error(
			`n8n-nodes-apixo needs n8n ${OLDEST_SUPPORTED_N8N} or later; this n8n is older. Update n8n, or uninstall n8n-nodes-apixo.`,
		);
	}
	return connectionTypesOfThisN8n;
}

/**
 * Whether APIXO, on the internet, can reach a URL: the one check behind the callback URL, the
 * media URLs it must fetch and the reference video the node probes. A private address is
 * refused before anything is paid for, and before the node itself sends anything there.
 */

const PRIVATE_HOST_PATTERNS = [
	/^localhost$/i,
	/\.(local|localhost|internal|lan|home|home\.arpa)$/i,
	/^127\./,
	/^10\./,
	/^192\.168\./,
	/^172\.(1[6-9]|2\d|3[01])\./,
	/^169\.254\./,
	/^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
	/^0\./,
	/^(22[4-9]|2[3-5]\d)\./,
	/^\[?::1?\]?$/,
	/^\[?::ffff:/i,
	/^\[?f[cd][0-9a-f]{2}:/i,
	/^\[?fe[89ab][0-9a-f]:/i,
];

/** A hostname (as `URL` normalises it) that can only be a private, loopback or link-local host. */
export function isPublicHost(hostname: string): boolean {
	if (!hostname.includes('.') && !hostname.includes(':')) return false;
	return !PRIVATE_HOST_PATTERNS.some((pattern) => pattern.test(hostname));
}

/** Why APIXO could not fetch this URL, or undefined when it is a public http(s) URL. */
export function publicUrlProblem(value: string): string | undefined {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return 'is not a URL';
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return `uses ${url.protocol}, not http(s)`;
	if (!isPublicHost(url.hostname)) return `points at a private host (${url.hostname}) that APIXO cannot reach`;
	return undefined;
}

interface EgressFilter {
	validateUrl(url: string): Promise<{ ok: boolean; error?: unknown }>;
}

/** What the probe needs of n8n: its requests, and (n8n 2.x) the egress filter that resolves hosts. */
export interface PublicUrlHelpers {
	getSecureEgressFilter?: (policy?: 'safe' | 'enforced' | 'unsafe') => EgressFilter;
}

/**
 * The literal check, then, where n8n offers it, the host resolved by n8n's own egress filter:
 * a public name may still point at 169.254.169.254. Node code may not open `dns` itself.
 */
export async function resolvedUrlProblem(helpers: PublicUrlHelpers, value: string): Promise<string | undefined> {
	const literal = publicUrlProblem(value);
	const filter = literal ? undefined : egressFilter(helpers);
	if (!filter) return literal;
	// A lookup that fails throws: the probe then prices the worst case instead of refusing.
	const verdict = await filter.validateUrl(value);
	if (verdict.ok) return undefined;
	const reason = verdict.error instanceof Error ? verdict.error.message : 'blocked';
	return `resolves to an address APIXO cannot reach (${reason})`;
}

/** n8n's egress filter where this n8n has one (2.x), else none: the literal check stands alone. */
function egressFilter(helpers: PublicUrlHelpers): EgressFilter | undefined {
	if (typeof helpers.getSecureEgressFilter !== 'function') return undefined;
	try {
		return helpers.getSecureEgressFilter('enforced');
	} catch {
		return undefined;
	}
}

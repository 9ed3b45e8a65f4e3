const MAX_BACKOFF_MS = 60_000;

/**
 * How long to wait before attempt `attempt` (0-based count of failures so far): doubling from
 * the base, capped, and never sooner than APIXO's own Retry-After.
 */
export function backoffMs(failures: number, baseMs: number, retryAfterMs?: number): number {
	const doubled = Math.min(baseMs * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
	return Math.max(doubled, retryAfterMs ?? 0);
}

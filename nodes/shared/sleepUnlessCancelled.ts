import { sleep } from 'n8n-workflow';

/**
 * Waits `ms`, rejecting with the signal's reason as soon as the execution is cancelled.
 * n8n-workflow's `sleep` honours the signal from 2.x on; on 1.x it takes only `ms` and would
 * keep a cancelled execution waiting out the full delay, so the signal is raced here too.
 */
export async function sleepUnlessCancelled(ms: number, signal: AbortSignal | undefined): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw cancelReason(signal);
	let onAbort = (): void => {};
	const cancelled = new Promise<never>((_, reject) => {
		onAbort = () => reject(cancelReason(signal));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms, signal), cancelled]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

function cancelReason(signal: AbortSignal): Error {
	return signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}

import { sleep } from 'n8n-workflow';

/** Longest stretch of work before other executions of the same n8n get the event loop back. */
const SLICE_MS = 10;

/**
 * Lets long loops over items (validating, pricing 1000 of them) give the event loop back every
 * few milliseconds, so one big batch does not stall every other execution of that n8n.
 */
export class TimeSlices {
	private sliceStartedAt = Date.now();

	async yieldIfDue(): Promise<void> {
		if (Date.now() - this.sliceStartedAt < SLICE_MS) return;
		await sleep(0);
		this.sliceStartedAt = Date.now();
	}
}

import type { TaskState } from './schemas';

/**
 * Why one item did not produce a video. Stages return it as a value so that one item's
 * failure never stops the others; the output stage turns it into an error or an error item.
 */
export interface TaskProblem {
	message: string;
	description: string;
	taskId?: string;
	failCode?: string;
	failMsg?: string;
	/** What was paid: `invalid` refused before any submit, `unknown` maybe taken, else APIXO's state. */
	state?: TaskState | 'submitted' | 'unknown' | 'invalid';
	httpCode?: number;
}

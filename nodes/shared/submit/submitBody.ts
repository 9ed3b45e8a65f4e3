import type { IDataObject } from 'n8n-workflow';

import type { TaskToSubmit } from './submitTasks';

/** Marks our tasks in APIXO's logs, so support can tell where a task came from. */
const SOURCE = 'n8n-nodes-apixo';

/**
 * The body of `POST /generateTask` for one task, as it goes on the wire: a submit sends it and
 * a Dry Run shows it, so what a dry run shows is what a real run pays for.
 */
export function submitBody(task: TaskToSubmit, callbackUrl = task.callbackUrl): IDataObject {
	// JSON leaves out unset fields; so does the body, so that it reads as what APIXO receives.
	const input = Object.fromEntries(Object.entries(task.input).filter(([, value]) => value !== undefined));
	return callbackUrl
		? { request_type: 'callback', callback_url: callbackUrl, input, source: SOURCE }
		: { request_type: 'async', input, source: SOURCE };
}

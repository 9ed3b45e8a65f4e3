import type { IDataObject } from 'n8n-workflow';

/** How many task IDs each trigger remembers: far more than APIXO redelivers within. */
export const MAX_REMEMBERED_TASKS = 1000;

/**
 * Remembers which tasks a trigger has already started a workflow for, so APIXO's redeliveries
 * start nothing. The workflow's static data carries the memory across restarts and processes;
 * a process-wide set closes the gap until n8n has saved that static data.
 */
export class SeenTasks {
	private static readonly recentInProcess = new Set<string>();

	constructor(
		private readonly staticData: IDataObject,
		private readonly scope: string,
	) {}

	/** True the first time a task is offered; false for every redelivery. */
	firstDelivery(taskId: string): boolean {
		const remembered = this.remembered();
		const processKey = `${this.scope}:${taskId}`;
		if (remembered.includes(taskId) || SeenTasks.recentInProcess.has(processKey)) return false;
		remembered.push(taskId);
		if (remembered.length > MAX_REMEMBERED_TASKS) remembered.splice(0, remembered.length - MAX_REMEMBERED_TASKS);
		this.staticData.seenTaskIds = remembered;
		SeenTasks.recentInProcess.add(processKey);
		if (SeenTasks.recentInProcess.size > MAX_REMEMBERED_TASKS * 10) {
			const oldest = SeenTasks.recentInProcess.values().next().value;
			if (oldest !== undefined) SeenTasks.recentInProcess.delete(oldest);
		}
		return true;
	}

	private remembered(): string[] {
		const value = this.staticData.seenTaskIds;
		return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
	}
}

import type { IDataObject } from 'n8n-workflow';

/** How many task IDs each trigger remembers: far more than APIXO redelivers within. */
export const MAX_REMEMBERED_TASKS = 1000;

/**
 * Remembers which tasks a trigger has already started a workflow for, so APIXO's redeliveries
 * start nothing. The workflow's static data carries the memory across restarts and processes;
 * a per-process list closes the gap until n8n has saved it.
 *
 * n8n saves static data by overwriting it, and each webhook call works on the copy it loaded,
 * so simultaneous deliveries would each save only their own task. Every save therefore carries
 * everything this process has seen by then: the last save of a burst holds the whole burst.
 */
export class SeenTasks {
	private static readonly recentByScope = new Map<string, string[]>();

	constructor(
		private readonly staticData: IDataObject,
		private readonly scope: string,
	) {}

	/** True the first time a task is offered; false for every redelivery. */
	firstDelivery(taskId: string): boolean {
		const recent = SeenTasks.recentByScope.get(this.scope) ?? [];
		SeenTasks.recentByScope.set(this.scope, recent);
		const saved = this.saved();
		const isFirst = !saved.includes(taskId) && !recent.includes(taskId);
		if (isFirst) keepLatest(recent, taskId);
		this.writeThrough();
		return isFirst;
	}

	/**
	 * Copies what this process has seen into the static data n8n is about to save. Call it last
	 * before the webhook returns: n8n saves then, and calls that finish later save later.
	 */
	writeThrough(): void {
		const recent = SeenTasks.recentByScope.get(this.scope) ?? [];
		const saved = this.saved();
		const savedIds = new Set(saved);
		const merged = [...saved, ...recent.filter((id) => !savedIds.has(id))];
		this.staticData.seenTaskIds = merged.slice(-MAX_REMEMBERED_TASKS);
	}

	private saved(): string[] {
		const value = this.staticData.seenTaskIds;
		return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
	}
}

function keepLatest(list: string[], taskId: string) {
	list.push(taskId);
	if (list.length > MAX_REMEMBERED_TASKS) list.splice(0, list.length - MAX_REMEMBERED_TASKS);
}

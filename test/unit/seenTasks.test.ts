import type { IDataObject } from 'n8n-workflow';

type SeenTasksModule = typeof import('../../nodes/shared/callback/seenTasks');

/** A fresh copy of the module: what another n8n process (webhook, main) would have loaded. */
function anotherProcess(): SeenTasksModule {
	let loaded!: SeenTasksModule;
	jest.isolateModules(() => {
		loaded = jest.requireActual('../../nodes/shared/callback/seenTasks');
	});
	return loaded;
}

/** n8n loads a workflow's static data per webhook call and saves it back by overwriting it. */
class StaticDataStore {
	private saved: IDataObject = {};

	load(): IDataObject {
		return structuredClone(this.saved);
	}

	save(data: IDataObject) {
		this.saved = structuredClone(data);
	}
}

describe('a trigger remembers the tasks it started a workflow for', () => {
	it('refuses a redelivery in the same process', () => {
		const { SeenTasks } = anotherProcess();
		const db = new StaticDataStore();
		expect(new SeenTasks(db.load(), 'wf:trigger').firstDelivery('task_1')).toBe(true);
		expect(new SeenTasks(db.load(), 'wf:trigger').firstDelivery('task_1')).toBe(false);
	});

	it('refuses a redelivery to another process once the static data is saved', () => {
		const db = new StaticDataStore();
		const first = db.load();
		expect(new (anotherProcess().SeenTasks)(first, 'wf:trigger').firstDelivery('task_1')).toBe(true);
		db.save(first);
		expect(new (anotherProcess().SeenTasks)(db.load(), 'wf:trigger').firstDelivery('task_1')).toBe(false);
	});

	it('keeps every task of a simultaneous burst, although each call saves over the others', () => {
		const { SeenTasks } = anotherProcess();
		const db = new StaticDataStore();
		const calls = ['task_1', 'task_2', 'task_3'].map((taskId) => ({ taskId, data: db.load() }));
		for (const call of calls) expect(new SeenTasks(call.data, 'wf:trigger').firstDelivery(call.taskId)).toBe(true);
		for (const call of calls) db.save(call.data);

		const elsewhere = anotherProcess();
		for (const taskId of ['task_1', 'task_2', 'task_3']) {
			expect(new elsewhere.SeenTasks(db.load(), 'wf:trigger').firstDelivery(taskId)).toBe(false);
		}
	});

	it('keeps the whole burst when the calls that started first save last', () => {
		const { SeenTasks } = anotherProcess();
		const db = new StaticDataStore();
		const calls = ['task_1', 'task_2', 'task_3'].map((taskId) => {
			const data = db.load();
			const seen = new SeenTasks(data, 'wf:trigger');
			seen.firstDelivery(taskId);
			return { data, seen };
		});
		// Downloads finish in reverse order: the first call returns, and n8n saves it, last.
		for (const call of [...calls].reverse()) {
			call.seen.writeThrough();
			db.save(call.data);
		}
		const elsewhere = anotherProcess();
		for (const taskId of ['task_1', 'task_2', 'task_3']) {
			expect(new elsewhere.SeenTasks(db.load(), 'wf:trigger').firstDelivery(taskId)).toBe(false);
		}
	});

	it('keeps separate memories for separate triggers', () => {
		const { SeenTasks } = anotherProcess();
		expect(new SeenTasks({}, 'wf:a').firstDelivery('task_1')).toBe(true);
		expect(new SeenTasks({}, 'wf:b').firstDelivery('task_1')).toBe(true);
	});

	it('remembers at most the latest 1000 tasks', () => {
		const { SeenTasks, MAX_REMEMBERED_TASKS } = anotherProcess();
		const data: IDataObject = {};
		for (let i = 0; i < MAX_REMEMBERED_TASKS + 5; i++) new SeenTasks(data, 'wf:t').firstDelivery(`task_${i}`);
		expect(data.seenTaskIds).toHaveLength(MAX_REMEMBERED_TASKS);
		expect((data.seenTaskIds as string[])[0]).toBe('task_5');
	});
});

/**
 * Messages between the bench (parent) and the fake APIXO server running in a child process.
 * Everything here crosses IPC, so it is plain data: the fake's function-valued options are
 * replaced by per-item tables keyed by the item number every bench prompt ends with (`#<i>`).
 */
import type { FakeApixoOptions, Fault } from '../../test/fake-apixo';

/** The key the bench's credential and every fake server share. */
export const API_KEY = 'bench-key-0123456789';

export interface ChildFakeOptions
	extends Omit<FakeApixoOptions, 'taskDurationMs' | 'outcome' | 'videoBytes' | 'motionVideoSeconds'> {
	taskDurationMs?: number;
	/** Render time of item i (from the prompt's `#<i>`); items beyond it use taskDurationMs. */
	durationsByItem?: number[];
	/** Items whose task never finishes. */
	neverFinishItems?: number[];
	/** Items whose task succeeds without a result URL. */
	noResultUrlItems?: number[];
}

export interface TaskSnapshot {
	taskId: string;
	/** Item number parsed from the prompt, or -1. */
	item: number;
	/** Canonical input JSON, the key of `submitsByTask`. */
	inputKey: string;
	createTime: number;
	readyAt: number;
}

export interface StatsSnapshot {
	submits: number;
	acceptedSubmits: number;
	statusReads: number;
	downloads: number;
	requests: number;
	rateLimited: number;
	submitsByTask: Array<[string, number]>;
	statusReadsByTask: Array<[string, number]>;
	tasks: TaskSnapshot[];
	/** The child's own CPU time since it started (µs). */
	cpu: NodeJS.CpuUsage;
}

export type Request =
	| { id: number; type: 'start'; options: ChildFakeOptions }
	| { id: number; type: 'stats' }
	| { id: number; type: 'inject'; fault: Fault }
	| { id: number; type: 'close' };

export type Response =
	| { id: number; ok: true; baseUrl?: string; stats?: StatsSnapshot }
	| { id: number; ok: false; error: string };

/** Every bench prompt ends with `#<item>`, so the fake can tell items apart. */
export const itemOfPrompt = (prompt: unknown): number => {
	const match = /#(\d+)$/.exec(typeof prompt === 'string' ? prompt : '');
	return match ? Number(match[1]) : -1;
};

export { startFakeApixo } from './server';
export { smallMp4, mp4Layout } from './media';
export { bill, checkSubmit, canonicalJson, PRICE_SILENT_USD, PRICE_SOUND_USD } from './rules';
export { FAIL_MESSAGES } from './tasks';
export type { TaskData, TaskState } from './tasks';
export type { KlingInput, TextToVideoInput, ImageToVideoInput, MotionControlInput, SubmitRequest } from './rules';
export type {
	CallbackRecord,
	FakeApixo,
	FakeApixoOptions,
	FakeApixoStats,
	FakeTask,
	Fault,
	FaultAction,
	FaultEvery,
	FaultTarget,
	FetchedMedia,
	TaskOutcome,
} from './types';

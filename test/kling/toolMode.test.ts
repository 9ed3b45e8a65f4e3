import type { FakeApixo } from '../fake-apixo';
import { KLING_TOOL_TYPE, errorText, klingOutput, runKling, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
afterEach(async () => await fake.close());

const ANSWER_KEYS = ['billedSeconds', 'estimatedCostUsd', 'expiresAt', 'message', 'state', 'taskId', 'videoUrl'];

describe('As an AI agent’s tool', () => {
	it('answers a Timeout with the task ID and the next step, then Task → Wait with $fromAI picks the video up', async () => {
		fake = await startFake({ taskDurationMs: 1500 });
		const made = await runKling(fake, {
			type: KLING_TOOL_TYPE,
			parameters: textToVideo({ duration: 5, options: { timeout: 0.2 } }),
		});
		expect(made.status).toBe('success');
		const [answer] = klingOutput(made);
		expect(answer.json).toEqual({
			taskId: expect.any(String),
			state: 'timeout',
			billedSeconds: 5,
			estimatedCostUsd: 0.42,
			message: expect.stringMatching(/Call Task → Wait later with this taskId/),
		});

		const checked = await runKling(fake, {
			type: KLING_TOOL_TYPE,
			parameters: { resource: 'task', operation: 'wait', taskId: "={{ $fromAI('taskId') }}" },
			items: [{ taskId: answer.json.taskId, toolCallId: 'call-1' }],
		});
		expect(checked.status).toBe('success');
		const [video] = klingOutput(checked);
		expect(video.json).toMatchObject({ taskId: answer.json.taskId, state: 'success' });
		expect(String(video.json.videoUrl)).toMatch(/^http/);
		expect(Object.keys(video.json).every((key) => ANSWER_KEYS.includes(key))).toBe(true);
		expect(video.binary).toBeUndefined();
		expect(fake.stats.submits).toBe(1);
	});

	it('Task → Get answers a task still rendering with what to do next', async () => {
		fake = await startFake({ taskDurationMs: 5000 });
		const submitted = await runKling(fake, { parameters: textToVideo({ waitMode: 'none' }) });
		const taskId = klingOutput(submitted)[0].json.taskId;
		const result = await runKling(fake, {
			type: KLING_TOOL_TYPE,
			parameters: { resource: 'task', operation: 'get', taskId: "={{ $fromAI('taskId') }}" },
			items: [{ taskId }],
		});
		expect(klingOutput(result)[0].json).toEqual({
			taskId,
			state: expect.stringMatching(/^(pending|processing)$/),
			message: expect.stringMatching(/call Task → Wait later with this taskId/),
		});
	});

	it('refuses Resume on Callback before paying, naming what to use instead', async () => {
		fake = await startFake();
		const result = await runKling(fake, { type: KLING_TOOL_TYPE, parameters: textToVideo({ waitMode: 'resume' }) });
		expect(result.status).toBe('error');
		expect(errorText(result)).toMatch(/Resume on Callback cannot be used when the node runs as a tool/);
		expect(errorText(result)).toMatch(/“Poll” with a short Timeout.*Task → Wait.*“No Wait”/s);
		expect(fake.stats.requests).toBe(0);
	});

	it('caps what a tool call may spend at $2 unless the user set Max Cost', async () => {
		fake = await startFake();
		const twoLongVideos = { parameters: textToVideo({ duration: 15 }), items: [{}, {}] };
		const capped = await runKling(fake, { type: KLING_TOOL_TYPE, ...twoLongVideos });
		expect(errorText(capped)).toMatch(/Estimated cost \$2\.52 is over Max Cost \$2\.00/);
		expect(fake.stats.submits).toBe(0);

		const allowed = await runKling(fake, {
			type: KLING_TOOL_TYPE,
			parameters: textToVideo({ duration: 15, options: { maxCostUsd: 5 } }),
			items: [{}, {}],
		});
		expect(allowed.status).toBe('success');
		expect(fake.stats.submits).toBe(2);
	});

	it('run by AI Agent v3 on the normal stack (output log rewired to ai_tool): nothing downloaded, compact answers', async () => {
		fake = await startFake();
		const result = await runKling(fake, { rewireOutputLogTo: 'ai_tool', parameters: textToVideo() });
		expect(result.status).toBe('success');
		const [video] = klingOutput(result);
		expect(video.json).toMatchObject({ state: 'success', message: expect.stringMatching(/videoUrl/) });
		expect(video.json.model).toBeUndefined();
		expect(video.binary).toBeUndefined();
	});
});

import { adviceForFailCode, adviceForHttpStatus } from '../../nodes/shared/api/failures';
import { failedTaskProblem, judgeRecord, parseResultUrls } from '../../nodes/shared/wait/readStatus';

describe('errors speak the API’s language', () => {
	it.each([
		['CONTENT_VIOLATION', /Change the prompt/],
		['INVALID_IMAGE_URL', /JPG, JPEG or PNG/],
		['INVALID_VIDEO_URL', /MP4, MOV or M4V/],
		['INVALID_PARAMETER', /Check mode, duration/],
		['INSUFFICIENT_BALANCE', /Add balance/],
		['UPSTREAM_ERROR', /Retry/],
		['TIMEOUT', /callback/],
	])('maps fail code %s to its fix', (code, fix) => {
		expect(adviceForFailCode(code).fix).toMatch(fix);
	});

	it.each([400, 401, 402, 403, 429, 500, 502, 504])('maps HTTP %i to a meaning and a fix', (status) => {
		const advice = adviceForHttpStatus(status);
		expect(advice.meaning.length).toBeGreaterThan(5);
		expect(advice.fix.length).toBeGreaterThan(5);
	});

	it('names task, fail code and message of a failed task', () => {
		const problem = failedTaskProblem({
			taskId: 'task_9',
			state: 'failed',
			failCode: 'CONTENT_VIOLATION',
			failMsg: 'Content does not meet safety guidelines',
		});
		expect(problem).toMatchObject({ taskId: 'task_9', failCode: 'CONTENT_VIOLATION', state: 'failed' });
		expect(problem.message).toContain('task_9');
		expect(problem.message).toContain('CONTENT_VIOLATION');
		expect(problem.description).toContain('Change the prompt');
	});

	it('parses resultJson, a JSON string, and refuses anything else', () => {
		expect(parseResultUrls('{"resultUrls":["https://r2.apixo.ai/video.mp4"]}')).toEqual([
			'https://r2.apixo.ai/video.mp4',
		]);
		expect(parseResultUrls('{"resultUrls":[]}')).toBeUndefined();
		expect(parseResultUrls('{"resultUrls":')).toBeUndefined();
		expect(parseResultUrls(undefined)).toBeUndefined();
		expect(judgeRecord({ taskId: 't', state: 'success', resultJson: 'oops' }).kind).toBe('failed');
		expect(judgeRecord({ taskId: 't', state: 'processing' })).toEqual({ kind: 'running', state: 'processing' });
	});
});

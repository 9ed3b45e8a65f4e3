import { judgeSubmit } from '../../nodes/shared/submit/submitTasks';

const accepted = { code: 200, message: 'success', data: { taskId: 'task_1' } };

describe('never pay twice: which submit answers may be sent again', () => {
	it('accepts a task ID', () => {
		expect(judgeSubmit({ kind: 'answered', status: 200, body: accepted })).toEqual({
			kind: 'accepted',
			taskId: 'task_1',
		});
	});

	it.each([429, 500, 502])('retries HTTP %i, which the reference says to retry', (status) => {
		expect(judgeSubmit({ kind: 'answered', status, body: { code: status, message: 'x' } }).kind).toBe('retry');
	});

	it('retries a refused connection: nothing reached APIXO', () => {
		expect(judgeSubmit({ kind: 'network', code: 'ECONNREFUSED', reachedApixo: false }).kind).toBe('retry');
	});

	it.each([
		['a 504', { kind: 'answered', status: 504, body: undefined }],
		['a 503', { kind: 'answered', status: 503, body: undefined }],
		['a reset connection', { kind: 'network', code: 'ECONNRESET', reachedApixo: true }],
		['a timeout', { kind: 'network', code: 'ECONNABORTED', reachedApixo: true }],
		['an unreadable 200', { kind: 'malformed', status: 200 }],
		['a 200 without a task ID', { kind: 'answered', status: 200, body: { code: 200, data: {} } }],
	] as const)('never resends after %s, and says the outcome is unknown', (_, outcome) => {
		const verdict = judgeSubmit(outcome);
		expect(verdict.kind).toBe('rejected');
		expect(verdict.kind !== 'accepted' && verdict.problem.message).toMatch(/Unknown whether APIXO accepted/);
		expect(verdict.kind !== 'accepted' && verdict.problem.description).toMatch(/not sent again/);
	});

	it.each([
		[400, /rejected the request/],
		[401, /invalid API key/],
		[402, /Insufficient balance/],
		[403, /cannot access/],
	])('fails fast on HTTP %i with the reference’s meaning', (status, meaning) => {
		const verdict = judgeSubmit({ kind: 'answered', status, body: { code: status, message: 'nope' } });
		expect(verdict.kind).toBe('rejected');
		expect(verdict.kind !== 'accepted' && verdict.problem.message).toMatch(meaning);
		expect(verdict.kind !== 'accepted' && verdict.problem.description).toContain('APIXO said: “nope”');
	});

	it('believes the envelope code over a 200 HTTP status', () => {
		const verdict = judgeSubmit({ kind: 'answered', status: 200, body: { code: 402, message: 'no money', data: null } });
		expect(verdict.kind).toBe('rejected');
	});

	it('resends after APIXO’s own 503 (model temporarily unavailable): it refused the task', () => {
		const verdict = judgeSubmit({ kind: 'answered', status: 503, body: { code: 503, message: 'model temporarily unavailable' } });
		expect(verdict.kind).toBe('retry');
	});

	it('refuses, and does not call it unknown, when a proxy asks for authentication (407)', () => {
		const verdict = judgeSubmit({ kind: 'answered', status: 407, body: undefined });
		expect(verdict.kind).toBe('rejected');
		expect(verdict.kind !== 'accepted' && verdict.problem.message).toMatch(/proxy .* asked for authentication \(HTTP 407\)/);
		expect(verdict.kind !== 'accepted' && verdict.problem.state).toBeUndefined();
	});
});

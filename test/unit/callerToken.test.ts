import { presentsToken, tokenProblem } from '../../nodes/ApixoTrigger/callerToken';

describe('the trigger’s Secret Token', () => {
	it('is refused at activation when a URL cannot carry it as typed', () => {
		expect(tokenProblem('short', 16)).toMatch(/at least 16/);
		expect(tokenProblem('abcdefghijklmnop#q', 16)).toMatch(/“#” or spaces/);
		expect(tokenProblem('abcdefgh ijklmnopq', 16)).toMatch(/“#” or spaces/);
		expect(tokenProblem('q+7/Zk&x=9%Lm2@pW!', 16)).toBeUndefined();
	});

	it('matches as pasted or percent-encoded, and nothing else', () => {
		const token = 'q+7/Zk&x=9%Lm2@pW!';
		expect(presentsToken({ token }, `/webhook/x?token=${encodeURIComponent(token)}`, token)).toBe(true);
		expect(presentsToken({ token: 'q 7/Zk' }, `/webhook/x?token=${token}&row=1`, token)).toBe(true);
		expect(presentsToken({ token: 'q 7/Zk' }, `/webhook/x?row=1&token=${token}`, token)).toBe(true);
		expect(presentsToken({ token: 'q 7/Zk' }, `/webhook/x?token=${token}X`, token)).toBe(false);
		expect(presentsToken({ token: 'q 7/Zk' }, `/webhook/x?xtoken=${token}`, token)).toBe(false);
		expect(presentsToken({}, undefined, token)).toBe(false);
	});
});

import { Readable } from 'node:stream';

import { probeVideoSeconds } from '../../nodes/shared/cost/probeVideoSeconds';
import type { ProbeHelpers } from '../../nodes/shared/cost/rangeReader';

/**
 * A public CDN name that redirects into the private network: no loopback test host can be
 * "public", so the internet is played by a table of answers, and what matters is where the
 * probe sent requests.
 */
function internet(answers: Record<string, { status: number; location?: string }>) {
	const asked: string[] = [];
	const helpers: ProbeHelpers = {
		httpRequest: async (options: { url: string }) => {
			asked.push(options.url);
			const answer = answers[options.url] ?? { status: 404 };
			return {
				statusCode: answer.status,
				headers: answer.location ? { location: answer.location } : {},
				body: Readable.from([]),
			};
		},
	} as unknown as ProbeHelpers;
	return { helpers, asked };
}

const settings = { timeoutMs: 1000, allowPrivateUrls: false };

describe('the motion-video probe never reaches into the private network', () => {
	it('refuses a redirect to the metadata address without following it', async () => {
		const { helpers, asked } = internet({
			'https://cdn.example.com/motion.mp4': { status: 302, location: 'http://169.254.169.254/latest/meta-data' },
		});
		const probe = await probeVideoSeconds(helpers, 'https://cdn.example.com/motion.mp4', settings);
		expect(probe).toEqual({
			kind: 'notVideo',
			reason: 'redirects to http://169.254.169.254/latest/meta-data, which points at a private host (169.254.169.254) that APIXO cannot reach',
		});
		expect(asked).toEqual(['https://cdn.example.com/motion.mp4']);
	});

	it('asks the host n8n’s egress filter about, and sends nothing where it says no', async () => {
		const { helpers, asked } = internet({});
		helpers.getSecureEgressFilter = () => ({
			validateUrl: async () => ({ ok: false, error: new Error('resolves to a restricted IP address') }),
		});
		const probe = await probeVideoSeconds(helpers, 'https://rebind.example.com/motion.mp4', settings);
		expect(probe.kind).toBe('notVideo');
		expect(asked).toEqual([]);
	});

	it('stops after a bounded number of redirects and prices the worst case', async () => {
		const loop = { status: 302, location: 'https://cdn.example.com/loop.mp4' };
		const { helpers, asked } = internet({ 'https://cdn.example.com/loop.mp4': loop });
		const probe = await probeVideoSeconds(helpers, 'https://cdn.example.com/loop.mp4', settings);
		expect(probe.kind).toBe('unmeasured');
		expect(asked.length).toBeLessThanOrEqual(4);
	});
});

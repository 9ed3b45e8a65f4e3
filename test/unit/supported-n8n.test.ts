import path from 'node:path';

// An n8n older than 1.85: its n8n-workflow has no NodeConnectionTypes.
jest.mock('n8n-workflow', () => ({ ...jest.requireActual<object>('n8n-workflow'), NodeConnectionTypes: undefined }));

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'nodes');

describe('on an n8n older than 1.85', () => {
	it.each(['ApixoKling/ApixoKling.node.js', 'ApixoTrigger/ApixoTrigger.node.js'])('%s refuses to load, saying what to do', (file) => {
		expect(() => jest.isolateModules(() => require(path.join(DIST, file)))).toThrow(
			'n8n-nodes-apixo needs n8n 1.85.0 or later; this n8n is older. Update n8n, or uninstall n8n-nodes-apixo.',
		);
	});
});

import { readdirSync } from 'node:fs';
import path from 'node:path';

import { KLING_TYPE, prepareExample } from '../../scripts/e2e/examples';

// `npm run dev` and the e2e import every example through prepareExample: one it refuses leaves a
// contributor without an editor, so each shipped example must go through it.
const EXAMPLES = readdirSync(path.join(__dirname, '..', '..', 'examples')).filter((file) => file.endsWith('.json'));

describe('example workflows', () => {
	it.each(EXAMPLES)('%s is ready for a local n8n, every Kling node and tool (if any) on the given credential', (file) => {
		const credential = { id: 'local-credential', name: 'APIXO (local)' };
		const workflow = prepareExample(file, { credential, filesDir: '/tmp/n8n-files', outDir: '/tmp/n8n-files/apixo-videos', klingOptions: { pollInterval: 1 } });
		const kling = workflow.nodes.filter((node) => node.type.startsWith(KLING_TYPE));
		for (const node of kling) expect(node.credentials?.apixoApi).toEqual(credential);
	});
});

/**
 * What the editor run needs in the running n8n before the browser starts: an APIXO API
 * credential and one workflow per node.
 */
import type { N8nInstance } from '../e2e/n8n-instance';

export const KLING = 'Kling 3.0 (APIXO)';
export const TRIGGER = 'APIXO Trigger';
export const TRIGGER_WEBHOOK_ID = '6f1c2a9e-3b7d-4e58-9c0a-1d2e3f4a5b6c';

/** An APIXO API credential (pointing at a closed port) and the two workflows the checks open. */
export async function createFixtures(n8n: N8nInstance): Promise<{ klingWorkflowId: string; triggerWorkflowId: string }> {
	const credential = await n8n.rest.createCredential(
		'apixoApi',
		{ apiKey: 'e2e-editor-not-a-key', baseUrl: 'http://127.0.0.1:9/api/v1' },
		'APIXO account',
	);
	const kling = await n8n.rest.importWorkflow({
		name: 'Kling 3.0 panel (e2e editor)',
		nodes: [
			{
				id: 'e2e-editor-kling',
				name: KLING,
				type: 'n8n-nodes-apixo.apixoKling',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
				credentials: { apixoApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: {},
	});
	const trigger = await n8n.rest.importWorkflow({
		name: 'APIXO Trigger panel (e2e editor)',
		nodes: [
			{
				id: 'e2e-editor-trigger',
				name: TRIGGER,
				type: 'n8n-nodes-apixo.apixoTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: TRIGGER_WEBHOOK_ID,
				parameters: {},
			},
		],
		connections: {},
	});
	return { klingWorkflowId: kling.id, triggerWorkflowId: trigger.id };
}

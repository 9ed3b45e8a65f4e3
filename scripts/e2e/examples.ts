/**
 * The workflows users import, read from examples/ and changed only where this
 * environment needs it: the credential id, scaled-down timings, the home folder files are
 * written under, the callback URL and token, and (for the failure scenario) the test data.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../kit/package-under-test';

export const KLING_TYPE = 'n8n-nodes-apixo.apixoKling';
export const TRIGGER_TYPE = 'n8n-nodes-apixo.apixoTrigger';
const EXAMPLE_CREDENTIAL_ID = 'apixo-credential';

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

export interface Workflow {
	name: string;
	nodes: WorkflowNode[];
	connections: object;
	settings?: object;
	[key: string]: unknown;
}

export interface Environment {
	credential: { id: string; name: string };
	/** n8n's ~/.n8n-files here: the only place n8n 2.x lets Read/Write Files write by default. */
	filesDir: string;
	/** The folder inside it the examples write videos to (created beforehand, as their note says). */
	outDir: string;
	/** Options every Kling node gets on top of the example's own (timings for the fake). */
	klingOptions: Record<string, unknown>;
}

export interface Changes {
	/** Kling node parameters to set (e.g. callbackUrl). */
	kling?: Record<string, unknown>;
	/** Extra Kling options for this workflow only. */
	klingOptions?: Record<string, unknown>;
	/** APIXO Trigger parameters to set (e.g. secretToken). */
	trigger?: Record<string, unknown>;
	/** Code node name → new jsCode (test data). */
	code?: Record<string, string>;
}

export function readExample(file: string): Workflow {
	return JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as Workflow;
}

/** The Kling node itself or its AI-tool variant (an agent's or an MCP Server Trigger's tool). */
const isKling = (node: WorkflowNode): boolean => node.type === KLING_TYPE || node.type === `${KLING_TYPE}Tool`;

/** The example, ready for this n8n: a copy, the original file untouched. */
export function prepareExample(file: string, env: Environment, changes: Changes = {}): Workflow {
	const workflow = readExample(file);
	let credentialRefs = 0;
	for (const node of workflow.nodes) {
		const ref = node.credentials?.apixoApi;
		if (ref) {
			if (ref.id !== EXAMPLE_CREDENTIAL_ID) throw new Error(`${file}: ${node.name} uses credential ${ref.id}`);
			node.credentials!.apixoApi = { ...env.credential };
			credentialRefs++;
		}
		if (isKling(node)) {
			const own = (node.parameters.options ?? {}) as Record<string, unknown>;
			Object.assign(node.parameters, changes.kling ?? {});
			node.parameters.options = { ...own, ...env.klingOptions, ...(changes.klingOptions ?? {}) };
		}
		if (node.type === TRIGGER_TYPE) Object.assign(node.parameters, changes.trigger ?? {});
		if (node.type === 'n8n-nodes-base.code' && changes.code?.[node.name] !== undefined) {
			node.parameters.jsCode = changes.code[node.name];
		}
		if (node.type === 'n8n-nodes-base.readWriteFile' && node.parameters.operation === 'write') {
			node.parameters.fileName = inFilesDir(String(node.parameters.fileName), env.filesDir, file);
		}
	}
	const klingNodes = workflow.nodes.filter(isKling).length;
	if (credentialRefs !== klingNodes) throw new Error(`${file}: ${klingNodes} Kling nodes but ${credentialRefs} credential references`);
	return workflow;
}

/**
 * `=/home/node/.n8n-files/apixo-videos/{{ $json.taskId }}.mp4` → the same path under this
 * n8n's ~/.n8n-files. An example writing anywhere else would fail for users of a default n8n.
 */
function inFilesDir(fileName: string, filesDir: string, file: string): string {
	const match = /^=\/(?:.*\/)?\.n8n-files\/(.+)$/.exec(fileName);
	if (!match) throw new Error(`${file}: Read/Write Files writes to ${fileName}, outside ~/.n8n-files where n8n 2.x refuses to write`);
	return `=${filesDir}/${match[1]}`;
}

export function nodeOfType(workflow: Workflow, type: string): WorkflowNode {
	const node = workflow.nodes.find((n) => n.type === type);
	if (!node) throw new Error(`${workflow.name}: no ${type} node`);
	return node;
}

export function triggerName(workflow: Workflow): string {
	const trigger = workflow.nodes.find((n) => /trigger/i.test(n.type));
	if (!trigger) throw new Error(`${workflow.name}: no trigger node`);
	return trigger.name;
}

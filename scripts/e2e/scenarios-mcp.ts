/**
 * A real MCP client (the official @modelcontextprotocol/sdk) on n8n's MCP Server Trigger, with the
 * tools of examples/agent-video-tools.json ("make a video", "check a video") attached, plus the same
 * text-to-video tool with a short Timeout and one set to Resume. The client lists the tools, gets a
 * video, gets `state: "timeout"` with a taskId and then the video from Task → Wait, and is refused
 * Resume before anything is submitted.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { randomUUID } from 'node:crypto';
import { readExample, type Workflow, type WorkflowNode } from './examples';
import { assert, FakeWindow, seconds, type ScenarioContext } from './scenario-kit';
import type { Figures } from './scenarios-poll';

const MCP_TRIGGER = '@n8n/n8n-nodes-langchain.mcpTrigger';
const TOOL_TYPE = 'n8n-nodes-apixo.apixoKlingTool';
/** The fake renders a prompt with this mark for 8 s: longer than the short tool's 1.5 s Timeout. */
const SLOW_RENDER = '[e2e:render=8000]';

/** Why the MCP scenario cannot run on this n8n, or undefined when it can. */
export async function mcpUnavailable(ctx: ScenarioContext): Promise<string | undefined> {
	const types = await ctx.n8n.rest.getNodeTypes();
	const trigger = types.find((type) => type.name === MCP_TRIGGER);
	if (!trigger) return `this n8n has no ${MCP_TRIGGER}`;
	const versions = [trigger.version].flat();
	return versions.includes(2) ? undefined : `its MCP Server Trigger has versions ${versions.join(', ')}, not 2 (streamable HTTP on its path)`;
}

/** The example's two tools, under an MCP Server Trigger instead of the agent, and two variants of the first. */
function mcpWorkflow(ctx: ScenarioContext, mcpPath: string): Workflow {
	const example = readExample('agent-video-tools.json');
	const tools = example.nodes.filter((node) => node.type === TOOL_TYPE);
	const make = tools.find((node) => node.name === 'make a video');
	const check = tools.find((node) => node.name === 'check a video');
	if (!make || !check) throw new Error('agent-video-tools.json lacks "make a video" or "check a video"');
	const variant = (name: string, parameters: Record<string, unknown>): WorkflowNode => ({
		...structuredClone(make),
		id: randomUUID(),
		name,
		parameters: { ...structuredClone(make.parameters), ...parameters },
	});
	const timings = { firstPollDelay: 0.5, pollInterval: 0.5 };
	const withTimings = (node: WorkflowNode): WorkflowNode => ({
		...node,
		parameters: { ...node.parameters, options: { ...(node.parameters.options as object), ...timings } },
		credentials: { apixoApi: { ...ctx.env.credential } },
	});
	const nodes = [
		make,
		check,
		variant('start a video', { options: { timeout: 1.5, maxCostUsd: 1 } }),
		variant('make a video on callback', { waitMode: 'resume' }),
	].map(withTimings);
	const trigger: WorkflowNode = {
		id: randomUUID(),
		name: 'MCP Server Trigger',
		type: MCP_TRIGGER,
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { path: mcpPath },
	};
	const connections = Object.fromEntries(
		nodes.map((node) => [node.name, { ai_tool: [[{ node: trigger.name, type: 'ai_tool', index: 0 }]] }]),
	);
	return { name: 'e2e: APIXO tools on an MCP Server Trigger', nodes: [trigger, ...nodes], connections, settings: { executionOrder: 'v1' } };
}

interface ToolResult {
	isError?: boolean;
	content?: Array<{ type: string; text?: string }>;
}

function resultText(result: unknown): string {
	return ((result as ToolResult).content ?? []).map((part) => part.text ?? '').join('\n');
}

/** The tool's answer: the node's compact JSON item, however the trigger wraps it. */
function answer(result: unknown): Record<string, unknown> {
	const text = resultText(result);
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new Error(`tool answered text that is not JSON: ${text.slice(0, 300)}`);
	}
	const items = [parsed].flat(2) as Array<Record<string, unknown>>;
	const item = items.find((entry) => entry && typeof entry === 'object' && 'state' in entry);
	assert(item, `no answer with a state in ${text.slice(0, 300)}`);
	return item;
}

export async function mcpClientTools(ctx: ScenarioContext, fig: Figures): Promise<void> {
	const unavailable = await mcpUnavailable(ctx);
	if (unavailable) {
		fig.skipped = unavailable;
		return;
	}
	const mcpPath = `apixo-e2e-${randomUUID().slice(0, 8)}`;
	const saved = await ctx.n8n.rest.importWorkflow(mcpWorkflow(ctx, mcpPath));
	await ctx.n8n.rest.activateWorkflow(saved.id);
	const url = `${ctx.n8n.baseUrl}/mcp/${mcpPath}`;
	const client = new Client({ name: 'n8n-nodes-apixo-e2e', version: '1.0.0' });
	const started = Date.now();
	try {
		await client.connect(new StreamableHTTPClientTransport(new URL(url)));
		fig.transport = `streamable HTTP ${new URL(url).pathname}`;

		const { tools } = await client.listTools();
		const names = tools.map((tool) => tool.name).sort();
		const expected = ['check_a_video', 'make_a_video', 'make_a_video_on_callback', 'start_a_video'];
		assert(JSON.stringify(names) === JSON.stringify(expected), `tools/list: ${names.join(', ')}`);
		const make = tools.find((tool) => tool.name === 'make_a_video')!;
		const check = tools.find((tool) => tool.name === 'check_a_video')!;
		assert('prompt' in (make.inputSchema.properties ?? {}) && 'taskId' in (check.inputSchema.properties ?? {}), `input schemas ${JSON.stringify([make.inputSchema, check.inputSchema])}`);
		fig.tools = names.join(',');
		fig.description = JSON.stringify(make.description ?? '');
		assert(/\$0\.42/.test(make.description ?? '') && /check_a_video/.test(make.description ?? '') && /taskId/.test(check.description ?? ''), `the tools' descriptions lack price or next step: ${JSON.stringify([make.description, check.description])}`);

		let window = new FakeWindow(ctx.fake);
		const made = answer(await client.callTool({ name: 'make_a_video', arguments: { prompt: 'a paper boat on a rainy street, slow dolly in' } }));
		const [madeTask] = window.tasks();
		assert(made.state === 'success' && madeTask && made.videoUrl === madeTask.resultUrls[0] && made.taskId === madeTask.taskId, `make_a_video answered ${JSON.stringify(made)}`);
		assert(window.figures().submits === 1, `make_a_video made ${window.figures().submits} submits`);
		fig.made = `success ${made.taskId}`;

		window = new FakeWindow(ctx.fake);
		const started2 = Date.now();
		const pending = answer(await client.callTool({ name: 'start_a_video', arguments: { prompt: `a lighthouse at dusk, waves ${SLOW_RENDER}` } }));
		const [slowTask] = window.tasks();
		assert(pending.state === 'timeout' && slowTask && pending.taskId === slowTask.taskId, `start_a_video answered ${JSON.stringify(pending)}`);
		fig.timeout = `state timeout after ${seconds(Date.now() - started2)}, taskId ${pending.taskId}`;

		const waited = answer(await client.callTool({ name: 'check_a_video', arguments: { taskId: pending.taskId } }));
		assert(waited.state === 'success' && waited.videoUrl === slowTask.resultUrls[0], `check_a_video answered ${JSON.stringify(waited)}`);
		assert(window.figures().submits === 1, `the timeout and the wait made ${window.figures().submits} submits, expected 1`);
		fig.waited = 'success, same task';

		window = new FakeWindow(ctx.fake);
		const refused = await client.callTool({ name: 'make_a_video_on_callback', arguments: { prompt: 'a kite over the dunes' } });
		const text = resultText(refused);
		assert(/Resume on Callback cannot be used when the node runs as a tool/.test(text), `make_a_video_on_callback answered ${text.slice(0, 300)}`);
		const submits = window.figures().submits;
		assert(submits === 0, `the Resume tool made ${submits} submits`);
		fig.resume = `refused${(refused as ToolResult).isError ? ' (isError)' : ''}, ${submits} submits`;
	} finally {
		fig.time = seconds(Date.now() - started);
		await client.close();
		await ctx.n8n.rest.deactivateWorkflow(saved.id);
	}
}

import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { binaryPropertyOption, downloadOption } from '../shared/output/download.description';
import { NodeConnectionTypes } from '../shared/supportedN8n';
import { tokenProblem } from './callerToken';
import { downloadVideos } from './downloadVideos';
import { receiveCallback } from './receiveCallback';

const MIN_TOKEN_LENGTH = 16;

export class ApixoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'APIXO Trigger',
		name: 'apixoTrigger',
		icon: { light: 'file:apixo.svg', dark: 'file:apixo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'On finished Kling video',
		description: 'Starts the workflow when APIXO calls back with a finished Kling 3.0 video',
		defaults: { name: 'APIXO Trigger' },
		triggerPanel: {
			header: 'Waits for APIXO to post a finished video',
			executionsHelp: {
				inactive:
					"<b>While building</b>, click 'Execute step', then run a Kling 3.0 (APIXO) node with Wait Mode <i>Callback</i> and this trigger’s <b>Test URL</b> + <code>?token=</code> + your Secret Token as Callback URL.<br/><br/><b>When ready</b>, publish this workflow and use the <b>Production URL</b>: every finished task starts an execution.",
				active:
					'This workflow starts whenever APIXO posts a finished task to the Production URL (with <code>?token=</code>). Executions are listed under Executions, not in the editor.',
			},
			activationHint: 'Publish the workflow so the Production URL receives APIXO’s callbacks.',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'apixoApi', required: true, displayOptions: { show: { confirmWithApixo: [true] } } }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'apixo',
			},
		],
		properties: [
			{
				displayName:
					'Callback URL for the Kling 3.0 (APIXO) node (Wait Mode: Callback): this trigger’s Production URL followed by <code>?token=</code> and the Secret Token below, e.g. <code>https://n8n.example.com/webhook/…/apixo?token=YOUR_TOKEN</code>. The token may be pasted as it is or percent-encoded. Add your own query fields after it (<code>&row=12</code>): they come back in <code>callbackQuery</code>. Publish the workflow first; the Test URL takes a single call, so use it for one item only.',
				name: 'callbackNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Secret Token',
				name: 'secretToken',
				type: 'string',
				typeOptions: { password: true },
				required: true,
				default: '',
				placeholder: 'e.g. a long random string from a password generator',
				description:
					'At least 16 characters, no “#” or spaces. Callers must add it as ?token=… to the URL; any other call gets 403 and starts nothing.',
			},
			{
				displayName: 'Confirm With APIXO',
				name: 'confirmWithApixo',
				type: 'boolean',
				default: false,
				description:
					'Whether to confirm each callback with one status read using your APIXO credential, and take the video URLs from APIXO’s answer. APIXO signs nothing, so this is the only proof that a callback is real: anyone who knows the token could otherwise make this workflow download any URL.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					downloadOption,
					{
						displayName: 'Include Failed Tasks',
						name: 'includeFailed',
						type: 'boolean',
						default: false,
						description:
							'Whether to start the workflow for failed tasks too, with an item carrying taskId, failCode and failMsg',
					},
					binaryPropertyOption,
				],
			},
		],
	};

	/**
	 * APIXO takes its callback URL per task, so there is nothing to register with it. Activation
	 * is where a weak or missing secret is refused, before any callback could be forged.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const problem = tokenProblem(String(this.getNodeParameter('secretToken', '')).trim(), MIN_TOKEN_LENGTH);
				if (problem) {
					throw new NodeOperationError(this.getNode(), problem, {
						description: 'Use a long random string of letters, digits and - _ . ~ + / = &, e.g. from a password generator.',
					});
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback(this);
	}

	/** n8n runs this with the items webhook() returned, inside the execution it started. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await downloadVideos(this);
	}
}

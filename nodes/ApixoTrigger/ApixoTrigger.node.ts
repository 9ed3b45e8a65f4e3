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
					'Callback URL for the Kling 3.0 (APIXO) node (Wait Mode: Callback): this trigger’s Production URL followed by <code>?token=</code> and the Secret Token below. Publish the workflow first; to try it out, use the Test URL while the trigger listens.',
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
					'At least 16 characters. Callers must add it as ?token=… to the URL; any other call gets 403 and starts nothing.',
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
				const token = String(this.getNodeParameter('secretToken', '')).trim();
				if (token.length < MIN_TOKEN_LENGTH) {
					throw new NodeOperationError(
						this.getNode(),
						`The Secret Token must be at least ${MIN_TOKEN_LENGTH} characters`,
						{ description: 'Use a long random string, e.g. from a password generator.' },
					);
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

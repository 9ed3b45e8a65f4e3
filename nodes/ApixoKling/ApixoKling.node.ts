import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { NodeConnectionTypes } from '../shared/supportedN8n';
import { accountDescription } from './actions/account';
import { route } from './actions/router';
import { optionsProperty } from './actions/runSettings.description';
import { taskDescription } from './actions/task';
import { videoDescription } from './actions/video';
import { toolModeNotice } from '../shared/tool/tool.description';
import { resumeFromCallback, resumeWebhooks } from './actions/video/resume/resumeFromCallback';

export class ApixoKling implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kling 3.0 (APIXO)',
		name: 'apixoKling',
		icon: { light: 'file:apixo.svg', dark: 'file:apixo.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"textToVideo":"Text to Video","imageToVideo":"Image to Video","motionControl":"Motion Control","get":"Get Task","wait":"Wait for Task","getBalance":"Get Balance"}[$parameter["operation"]] }}',
		description: 'Generate videos with Kling 3.0 Std through APIXO: text to video, image to video, motion control',
		defaults: { name: 'Kling 3.0 (APIXO)' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'apixoApi', required: true }],
		webhooks: resumeWebhooks,
		properties: [
			toolModeNotice,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Task', value: 'task' },
					{ name: 'Video', value: 'video' },
				],
				default: 'video',
			},
			...videoDescription,
			...taskDescription,
			...accountDescription,
			{ ...optionsProperty, displayOptions: { show: { resource: ['video', 'task'] } } },
		],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeFromCallback(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this);
	}
}

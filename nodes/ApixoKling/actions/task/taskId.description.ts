import type { INodeProperties } from 'n8n-workflow';

export const taskIdProperty: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. task_12345678',
	description: 'The APIXO task ID, as returned by a video operation or shown in an error',
};

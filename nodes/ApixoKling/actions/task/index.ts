import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as wait from './wait.operation';

export const taskOperations = { get, wait };

export const taskDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['task'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Read a task’s state once; its videos when it has finished',
				action: 'Get a task state and its video url once ready',
			},
			{
				name: 'Wait',
				value: 'wait',
				description: 'Wait for a task submitted earlier to finish, and get its videos',
				action: 'Wait for a task by its task id and get its video url',
			},
		],
		default: 'wait',
	},
	...get.description,
	...wait.description,
];

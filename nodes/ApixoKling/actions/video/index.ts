import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { imageToVideo } from './imageToVideo.operation';
import { motionControl } from './motionControl.operation';
import { waitModeProperties } from '../runSettings.description';
import { textToVideo } from './textToVideo.operation';
import type { VideoOperation } from './VideoOperation';

export const videoOperations: Record<string, VideoOperation> = {
	textToVideo,
	imageToVideo,
	motionControl,
};

export const videoDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Image to Video',
				value: 'imageToVideo',
				description: 'Animate a start frame, optionally towards an end frame',
				action: 'Generate a video from an image and get its url or a task id to wait for',
			},
			{
				name: 'Motion Control',
				value: 'motionControl',
				description: 'Make a character from an image follow the motion of a reference video',
				action: 'Transfer motion from a video to a character and get its url or a task id to wait for',
			},
			{
				name: 'Text to Video',
				value: 'textToVideo',
				description: 'Generate a video from a prompt',
				action: 'Generate a video from text and get its url or a task id to wait for',
			},
		],
		default: 'textToVideo',
	},
	...textToVideo.description,
	...imageToVideo.description,
	...motionControl.description,
	...updateDisplayOptions({ show: { resource: ['video'] } }, waitModeProperties),
];

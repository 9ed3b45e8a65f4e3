/**
 * What the node panels must show, by the labels and names a user reads on the page
 * (not taken from the node's description objects: a renamed field must fail here).
 */

/** Labels of the video operations' own fields, to prove which ones a panel does not show. */
export const VIDEO_FIELDS = ['Prompt', 'Start Image URL', 'End Image URL', 'Character Image URL', 'Motion Video URL', 'Character Orientation', 'Aspect Ratio', 'Sound', 'Additional Fields'];
export const DURATION = /^Duration\b/;

export interface VideoOperationSpec {
	name: string;
	image: string;
	shows: string[];
	hides: Array<string | RegExp>;
	additionalFields: string[];
	/** Price notice by Sound setting ($ per second the page must show). */
	price: { off: string; on: string };
	example: Record<string, string>;
}

export const VIDEO_OPERATIONS: VideoOperationSpec[] = [
	{
		name: 'Text to Video',
		image: 'text-to-video.png',
		shows: ['Prompt', 'Duration (Seconds)', 'Aspect Ratio', 'Sound', 'Additional Fields', 'Wait Mode', 'Options'],
		hides: ['Start Image URL', 'End Image URL', 'Character Image URL', 'Motion Video URL', 'Character Orientation', 'Task ID', 'Callback URL'],
		additionalFields: ['CFG Scale', 'Negative Prompt', 'Shots'],
		price: { off: '$0.084', on: '$0.13' },
		example: { prompt: 'A red fox trotting through fresh snow at dawn, slow tracking shot, cinematic light' },
	},
	{
		name: 'Image to Video',
		image: 'image-to-video.png',
		shows: ['Start Image URL', 'End Image URL', 'Prompt', 'Duration (Seconds)', 'Sound', 'Additional Fields', 'Wait Mode', 'Options'],
		hides: ['Aspect Ratio', 'Character Image URL', 'Motion Video URL', 'Character Orientation', 'Task ID', 'Callback URL'],
		additionalFields: ['CFG Scale', 'Negative Prompt'],
		price: { off: '$0.084', on: '$0.13' },
		example: { startImageUrl: 'https://example.com/frames/start.png', prompt: 'Slow push-in while the subject turns towards the camera' },
	},
	{
		name: 'Motion Control',
		image: 'motion-control.png',
		shows: ['Character Image URL', 'Motion Video URL', 'Character Orientation', 'Prompt', 'Sound', 'Additional Fields', 'Wait Mode', 'Options'],
		hides: [DURATION, 'Aspect Ratio', 'Start Image URL', 'End Image URL', 'Task ID', 'Callback URL'],
		additionalFields: ['Negative Prompt'],
		price: { off: '$0.13', on: '$0.13' },
		example: {
			imageUrl: 'https://example.com/character.png',
			videoUrl: 'https://example.com/dance-10s.mp4',
			prompt: 'Keep the face and the outfit of the character',
		},
	},
];

export const WAIT_MODES = ['Callback (to APIXO Trigger)', 'No Wait', 'Poll', 'Resume on Callback'];
export const CALLBACK_MODE = 'Callback (to APIXO Trigger)';
export const VIDEO_OPTIONS = ['Download Video', 'Dry Run', 'First Poll Delay (Seconds)', 'Max Concurrency', 'Max Cost (USD)', 'Poll Interval (Seconds)', 'Put Output File in Field', 'Timeout (Seconds)'];
export const POLL_OPTIONS = ['Poll Interval (Seconds)', 'Timeout (Seconds)'];

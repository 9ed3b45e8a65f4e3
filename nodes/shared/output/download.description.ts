import type { INodeProperties } from 'n8n-workflow';

/** The download options every node that outputs videos offers, worded once. */
export const downloadOption: INodeProperties = {
	displayName: 'Download Video',
	name: 'download',
	type: 'boolean',
	default: true,
	description:
		'Whether to put the video file into the binary data of each item, ready for Drive, S3 or Telegram nodes',
};

export const binaryPropertyOption: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	hint: 'The name of the output binary field to put the video in',
};

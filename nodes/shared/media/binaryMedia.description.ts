import type { INodeProperties } from 'n8n-workflow';

import type { BinaryMediaField } from './binaryMedia';

/**
 * A media input's Source selector, its URL field (shown for URL) and its binary property field
 * (shown for Binary). The binary file reaches APIXO as a signed URL of this n8n instance.
 */
export function mediaSourceProperties(field: BinaryMediaField, urlProperty: INodeProperties): INodeProperties[] {
	const binaryProperty: INodeProperties = {
		displayName: `${field.label} Binary Property`,
		name: field.propertyParameter,
		type: 'string',
		required: true,
		default: 'data',
		placeholder: 'e.g. data',
		description: `Name of the input item’s binary field holding the ${field.kind === 'image' ? 'JPEG or PNG (up to 10 MB)' : 'MP4, MOV or M4V (30 s at most)'}`,
		displayOptions: { show: { [field.sourceParameter]: ['binary'] } },
	};
	return [
		{
			displayName: `${field.label} Source`,
			name: field.sourceParameter,
			type: 'options',
			options: [
				{ name: 'URL', value: 'url', description: 'A public, direct URL' },
				{
					name: 'Binary Data',
					value: 'binary',
					description: 'A file from the input item, sent as a signed URL of this n8n (needs a public https WEBHOOK_URL)',
				},
			],
			default: 'url',
		},
		{ ...urlProperty, displayOptions: { show: { [field.sourceParameter]: ['url'] } } },
		field.optional
			? { ...binaryProperty, required: false, default: '', description: `${binaryProperty.description}; leave empty for none` }
			: binaryProperty,
	];
}

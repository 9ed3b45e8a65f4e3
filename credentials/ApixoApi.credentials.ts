import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class ApixoApi implements ICredentialType {
	name = 'apixoApi';

	displayName = 'APIXO API';

	icon = 'file:apixo.svg' as const;

	documentationUrl = 'https://apixo.ai/docs';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your APIXO API key, from the APIXO dashboard',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.apixo.ai/api/v1',
			description: 'Change only to go through a proxy or a test server',
		},
	];

	// A function, not a generic `={{ }}` template: n8n evaluates a template with its expression
	// engine on every request, which costs more CPU than the rest of a status read.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey)}` },
		};
	}

	// The balance endpoint costs nothing: testing a credential must never create a paid task.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/apikeys/current-balance',
			method: 'GET',
		},
	};
}

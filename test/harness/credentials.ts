/**
 * Credentials for an in-process run: the test hands over decrypted values per credential
 * type, and requests are authenticated with the credential class's own `authenticate`
 * (function or generic `{ type: 'generic', properties }`), as n8n's CredentialsHelper does.
 */
import { Credentials } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import { ICredentialsHelper, UnexpectedError, isExpression } from 'n8n-workflow';

export type CredentialsByType = Record<string, ICredentialDataDecryptedObject>;

export class HarnessCredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	constructor(credentialTypes: ICredentialType[]) {
		for (const credentialType of credentialTypes) this.types.set(credentialType.name, credentialType);
	}

	getByName(name: string): ICredentialType {
		const credentialType = this.types.get(name);
		if (!credentialType) {
			throw new UnexpectedError(
				`Unknown credential type "${name}". Known: ${[...this.types.keys()].join(', ')}`,
			);
		}
		return credentialType;
	}

	/** All ancestors via `extends`, nearest first (how n8n detects oAuth2Api children). */
	getParentTypes(name: string): string[] {
		const direct = this.types.get(name)?.extends ?? [];
		return [...direct, ...direct.flatMap((parent) => this.getParentTypes(parent))];
	}
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: HarnessCredentialTypes,
		private readonly credentialsByType: CredentialsByType,
	) {
		super();
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const credentials = this.credentialsByType[type];
		if (!credentials) {
			throw new UnexpectedError(`The test gave no credentials of type "${type}"`);
		}
		// A copy: nodes and preAuthentication may mutate what they get.
		return structuredClone(credentials);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialTypes.getByName(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			if (!workflow || !node) {
				throw new UnexpectedError('Generic credential authentication needs workflow and node');
			}
			const resolve = (value: string) =>
				resolveCredentialExpression(value, credentials, workflow, node);
			for (const [target, entries] of Object.entries(authenticate.properties)) {
				const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
				options[target] ??= {};
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					options[target][resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	/** A real encrypted Credentials object, so the cipher and key provider are exercised too. */
	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string) {
		const credentials = new Credentials(nodeCredentials, type);
		await credentials.setData(this.credentialsByType[type] ?? {});
		return credentials;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes.getByName(type).properties;
	}
}

/** `={{ $credentials.apiKey }}` → value, resolved by the workflow's own expression engine. */
function resolveCredentialExpression(
	value: string,
	credentials: ICredentialDataDecryptedObject,
	workflow: Workflow,
	node: INode,
): string {
	if (!isExpression(value)) return value;
	const resolved = workflow.expression.getSimpleParameterValue(
		node,
		value,
		'internal',
		{ $credentials: credentials },
		undefined,
		'',
	);
	return resolved === undefined || resolved === null ? '' : String(resolved);
}

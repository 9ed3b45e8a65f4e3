/**
 * Just enough of express's request/response for a node's `webhook()` method:
 * `getBodyData/getHeaderData/getQueryData/getParamsData` read the request, and a node
 * that answers the caller itself (`getResponseObject().status(400).json(…)`) is recorded.
 */
import type { IDataObject, IHttpRequestMethods, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

export interface FakeRequestInit {
	method: IHttpRequestMethods;
	body: unknown;
	headers: Record<string, string>;
	query: IDataObject;
	/** Path and raw query string, as express keeps them in `originalUrl`. */
	url?: string;
}

export function fakeRequest(init: FakeRequestInit): IWorkflowExecuteAdditionalData['httpRequest'] {
	const headers = Object.fromEntries(
		Object.entries(init.headers).map(([name, value]) => [name.toLowerCase(), value]),
	);
	headers['content-type'] ??= 'application/json';
	const request = {
		method: init.method,
		body: init.body,
		headers,
		query: init.query,
		url: init.url,
		originalUrl: init.url,
		params: {},
		contentType: headers['content-type'],
		header: (name: string) => headers[name.toLowerCase()],
		get: (name: string) => headers[name.toLowerCase()],
	};
	return request as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
}

export class RecordedResponse {
	statusCode = 200;

	headers: Record<string, string> = {};

	body: unknown;

	/** True once the node sent a response itself. */
	finished = false;

	asExpressResponse(): IWorkflowExecuteAdditionalData['httpResponse'] {
		const send = (body?: unknown) => {
			this.body = body;
			this.finished = true;
			return response;
		};
		const response = {
			status: (code: number) => {
				this.statusCode = code;
				return response;
			},
			setHeader: (name: string, value: string) => {
				this.headers[name.toLowerCase()] = value;
				return response;
			},
			json: send,
			send,
			end: send,
			get headersSent() {
				return false;
			},
		};
		return response as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
	}
}

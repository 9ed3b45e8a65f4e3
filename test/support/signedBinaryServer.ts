/**
 * n8n main's `GET /rest/binary-data/signed?token=…` (binary-data.controller.ts): validates the
 * token with n8n-core's BinaryDataService and streams the stored bytes with their mime type.
 * Runs as the instance origin, so a signed URL the node makes is one the fake APIXO can fetch.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

export interface SignedBinaryServer {
	/** Origin with trailing slash: pass as the run's instanceBaseUrl. */
	baseUrl: string;
	/** Every file served, in order. */
	served: Buffer[];
	close(): Promise<void>;
}

export async function startSignedBinaryServer(): Promise<SignedBinaryServer> {
	const served: Buffer[] = [];
	const server = http.createServer((request, response) => {
		void (async () => {
			const url = new URL(request.url ?? '/', 'http://localhost');
			if (url.pathname !== '/rest/binary-data/signed') {
				response.writeHead(404).end();
				return;
			}
			const service = Container.get(BinaryDataService);
			let id: string;
			try {
				id = service.validateSignedToken(url.searchParams.get('token') ?? '');
			} catch {
				response.writeHead(400).end('Invalid token');
				return;
			}
			try {
				const metadata = await service.getMetadata(id);
				const bytes = await service.getAsBuffer({ id, mimeType: metadata.mimeType ?? '', data: '' });
				served.push(bytes);
				response.writeHead(200, { 'content-type': metadata.mimeType ?? 'application/octet-stream' }).end(bytes);
			} catch {
				response.writeHead(404).end();
			}
		})();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/`,
		served,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

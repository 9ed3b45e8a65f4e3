/**
 * Reads an item's binary data back, whichever way n8n stored it (filesystem id or inline
 * base64), so tests can compare bytes exactly.
 */
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { INodeExecutionData } from 'n8n-workflow';

import { ensureEngineReady } from './engine';

export async function readBinary(
	item: INodeExecutionData,
	propertyName = 'data',
): Promise<Buffer> {
	const binaryData = item.binary?.[propertyName];
	if (!binaryData) {
		const present = Object.keys(item.binary ?? {}).join(', ') || 'none';
		throw new Error(`Item has no binary property "${propertyName}" (present: ${present})`);
	}
	await ensureEngineReady();
	return await Container.get(BinaryDataService).getAsBuffer(binaryData);
}

/**
 * `test.start`: the harness's stand-in for a trigger. It has no inputs and emits the JSON
 * objects listed in its `items` parameter, one item each, so a test controls exactly what
 * reaches the node under test (several items, odd shapes, expressions' inputs).
 * An object's `$binary` key becomes the item's binary data: `{ <property>: { base64, mimeType,
 * fileName, inline? } }`, stored as a node's prepareBinaryData stores it, or, with `inline`,
 * kept as base64 without an id, as a Code node builds it; `id` stands in a reference as given.
 */
import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, jsonParse } from 'n8n-workflow';

export const START_NODE_TYPE = 'test.start';

export class HarnessStartNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'Emits the items given in its "items" parameter',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Items',
				name: 'items',
				type: 'json',
				default: '[{}]',
				description: 'JSON array of objects; each becomes the json of one output item',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const parsed = typeof raw === 'string' ? jsonParse<unknown>(raw) : raw;
		if (!Array.isArray(parsed)) {
			throw new NodeOperationError(this.getNode(), '"items" must be a JSON array of objects');
		}
		// No pairedItem: the engine pairs every output with the single seed input item.
		return [
			await Promise.all(
				parsed.map(async ({ $binary, ...json }: IDataObject) => ({
					json,
					...($binary ? { binary: await binaryOf(this, $binary as Record<string, HarnessBinary>) } : {}),
				})),
			),
		];
	}
}

async function binaryOf(ctx: IExecuteFunctions, files: Record<string, HarnessBinary>): Promise<IBinaryKeyData> {
	const binary: IBinaryKeyData = {};
	for (const [property, file] of Object.entries(files)) {
		if (file.id) {
			binary[property] = { id: file.id, data: '', mimeType: file.mimeType, fileName: file.fileName };
		} else if (file.inline) {
			binary[property] = { data: file.base64, mimeType: file.mimeType, fileName: file.fileName };
		} else {
			const bytes = Buffer.from(file.base64, 'base64');
			binary[property] = await ctx.helpers.prepareBinaryData(bytes, file.fileName, file.mimeType);
		}
	}
	return binary;
}

interface HarnessBinary {
	base64: string;
	mimeType: string;
	fileName: string;
	inline?: boolean;
	id?: string;
}

/**
 * `test.start`: the harness's stand-in for a trigger. It has no inputs and emits the JSON
 * objects listed in its `items` parameter, one item each, so a test controls exactly what
 * reaches the node under test (several items, odd shapes, expressions' inputs).
 */
import type {
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
		return [parsed.map((json: IDataObject) => ({ json }))];
	}
}

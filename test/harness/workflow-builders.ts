/**
 * Shorthands for the common shape of a node test: `test.start` feeding one node.
 */
import type { IConnections, IDataObject, INode } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { START_NODE_TYPE } from './start-node';

export const START_NODE_NAME = 'Start';

export type NodeUnderTest = Omit<INode, 'id' | 'position' | 'typeVersion'> & {
	typeVersion?: number;
};

/**
 * Start → `node`; the start node emits one item per object in `inputItems`.
 * `credentialsName` is a credential type name (e.g. `apixoApi`): the node then references a
 * credential of that type, whose data the run takes from `RunOptions.credentials`.
 */
export function singleNodeWorkflow(
	node: NodeUnderTest,
	inputItems: IDataObject[],
	credentialsName?: string,
): { nodes: INode[]; connections: IConnections } {
	const start: INode = {
		id: 'start-node',
		name: START_NODE_NAME,
		type: START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { items: JSON.stringify(inputItems) },
	};
	const underTest: INode = {
		...node,
		id: 'node-under-test',
		typeVersion: node.typeVersion ?? 1,
		position: [250, 0],
		...(credentialsName && {
			credentials: {
				...node.credentials,
				[credentialsName]: { id: `${credentialsName}-id`, name: `${credentialsName} (test)` },
			},
		}),
	};
	return {
		nodes: [start, underTest],
		connections: {
			[START_NODE_NAME]: {
				[NodeConnectionTypes.Main]: [[{ node: underTest.name, type: NodeConnectionTypes.Main, index: 0 }]],
			},
		},
	};
}

/**
 * The `INodeTypes` registry a `Workflow` resolves node types through: this package's nodes
 * (under both names n8n may give a community node), the `test.start` node, and any types a
 * test passes in.
 */
import type {
	IDataObject,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { CUSTOM_NODES_PACKAGE_NAME } from 'n8n-core';
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';

import { loadPackageTypes } from './package-types';
import { HarnessStartNode, START_NODE_TYPE } from './start-node';

export type ExtraNodeTypes = Record<string, INodeType | IVersionedNodeType>;

export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	private readonly missingBuildFiles: string[];

	constructor(extraNodeTypes: ExtraNodeTypes = {}) {
		const packageTypes = loadPackageTypes();
		this.missingBuildFiles = packageTypes.missingFiles;
		// n8n registers an installed community node as `<package name>.<node name>`
		// (`n8n-nodes-apixo.apixoKling`), and one loaded from N8N_CUSTOM_EXTENSIONS as `CUSTOM.`.
		for (const [name, nodeType] of packageTypes.nodes) {
			this.types.set(`${packageTypes.packageName}.${name}`, nodeType);
			this.types.set(`${CUSTOM_NODES_PACKAGE_NAME}.${name}`, nodeType);
			// n8n offers a `usableAsTool` node to agents as `<name>Tool` and runs it with the
			// same class (`convertNodeToAiTool` in the cli's node-types).
			if (nodeType.description.usableAsTool) {
				this.types.set(`${packageTypes.packageName}.${name}Tool`, nodeType);
			}
		}
		this.types.set(START_NODE_TYPE, new HarnessStartNode());
		for (const [typeName, nodeType] of Object.entries(extraNodeTypes)) {
			this.types.set(typeName, nodeType);
		}
	}

	getByName(typeName: string): INodeType | IVersionedNodeType {
		const nodeType = this.types.get(typeName);
		if (nodeType === undefined) throw this.unknownTypeError(typeName);
		return nodeType;
	}

	getByNameAndVersion(typeName: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(typeName), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries([...this.types.keys()].map((typeName) => [typeName, {}]));
	}

	private unknownTypeError(typeName: string) {
		const hint = this.missingBuildFiles.length
			? ` Not built yet: ${this.missingBuildFiles.join(', ')} (run \`npm run build\`).`
			: '';
		return new UnexpectedError(
			`Unknown node type "${typeName}". Known: ${[...this.types.keys()].join(', ')}.${hint}`,
		);
	}
}

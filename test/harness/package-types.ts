/**
 * Loads this package's built node and credential classes from `dist/`, exactly the files
 * package.json lists under `n8n.nodes` / `n8n.credentials` (what n8n itself loads).
 * A missing `dist/` is not an error: tests that bring their own types still run.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';

export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

interface PackageManifest {
	name: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

export interface PackageTypes {
	packageName: string;
	/** Keyed by the node's `description.name` (e.g. `apixoKling`), not yet prefixed. */
	nodes: Map<string, INodeType | IVersionedNodeType>;
	credentials: ICredentialType[];
	/** Listed files that were not found, so a lookup failure can say "run npm run build". */
	missingFiles: string[];
}

let cached: PackageTypes | undefined;

export function loadPackageTypes(): PackageTypes {
	cached ??= readPackageTypes();
	return cached;
}

function readPackageTypes(): PackageTypes {
	const manifest = JSON.parse(
		readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf-8'),
	) as PackageManifest;
	const result: PackageTypes = {
		packageName: manifest.name,
		nodes: new Map(),
		credentials: [],
		missingFiles: [],
	};

	for (const file of manifest.n8n?.nodes ?? []) {
		const node = instantiateListedClass<INodeType | IVersionedNodeType>(file, result);
		if (node) result.nodes.set(node.description.name, node);
	}
	for (const file of manifest.n8n?.credentials ?? []) {
		const credential = instantiateListedClass<ICredentialType>(file, result);
		if (credential) result.credentials.push(credential);
	}
	return result;
}

/**
 * n8n derives the class name from the file name (`ApixoKling.node.js` → `ApixoKling`);
 * doing the same here catches a class/file name mismatch before n8n would.
 */
function instantiateListedClass<T>(relativeFile: string, result: PackageTypes): T | undefined {
	const absoluteFile = path.join(PACKAGE_ROOT, relativeFile);
	if (!existsSync(absoluteFile)) {
		result.missingFiles.push(relativeFile);
		return undefined;
	}
	const className = path.basename(relativeFile).split('.')[0];
	const exported = require(absoluteFile) as Record<string, new () => T>;
	const TypeClass = exported[className];
	if (typeof TypeClass !== 'function') {
		throw new Error(`${relativeFile} does not export a class named "${className}"`);
	}
	return new TypeClass();
}

/**
 * Checks the tarball `npm publish` would upload, the way n8n's community-package
 * verification sees it. Run after a build: `npm run check:package`.
 *
 * One line per check (PASS/FAIL, with the offending files below a FAIL); exits 1 on
 * any failure.
 *
 * Mirrors, where the rules come from n8n:
 *  - @n8n/eslint-plugin-community-nodes `no-restricted-imports` (allowed modules) and
 *    `no-runtime-dependencies` / `valid-peer-dependencies` (package.json);
 *  - @n8n/scan-community-package, the verification scanner: besides linting the source,
 *    it lints the *published* `**\/*.js` and package.json with the recommended rule set,
 *    because "a build step can emit anything into dist/". The last check re-runs that leg.
 *
 * Decisions:
 *  - `.d.ts` and `.js.map` files are allowed in the tarball: n8n's own node template
 *    (`npm create @n8n/node`) builds with `declaration` and `sourceMap` on and publishes
 *    `dist` whole. A map must sit beside its `.js` and must not carry `sourcesContent`
 *    (that would ship the TypeScript sources inside the maps).
 *  - Any other `.ts` file, and anything outside dist/, package.json, README.md and
 *    LICENSE*, fails. So does a dist file with no source left in the repo (stale
 *    output of a deleted/renamed file: `npm run clean && npm run build`).
 *  - Runtime requires may only reach n8n-workflow, zod, the node built-ins the lint
 *    plugin allows, or a file in the tarball. The lint rule also lets sources import any
 *    devDependency (it assumes a bundler inlines it); `tsc` bundles nothing, so here a
 *    devDependency is not allowed: at runtime it would simply not be there.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ESLint, type Linter } from 'eslint';

const ROOT = path.resolve(__dirname, '..');
const COMMUNITY_KEYWORD = 'n8n-community-node-package';

// Packages a community node may require at runtime. n8n provides both: n8n-workflow as
// the peer dependency, zod through the NODE_PATH it sets when loading community packages.
// (no-restricted-imports also allows lodash, moment, p-limit, luxon and ai-node-sdk;
// this package has no business with them, so a require of one is flagged here.)
const ALLOWED_PACKAGES = ['n8n-workflow', 'zod'];
// The node built-ins no-restricted-imports allows (its `allowedModules` list, 0.29–0.32):
// only crypto. Everything else (fs, stream, http, child_process, …) is refused on n8n Cloud.
const ALLOWED_BUILTINS = ['crypto', 'node:crypto'];

interface PackFile {
	path: string;
	size: number;
}
interface PackageJson {
	name: string;
	main?: string;
	keywords?: string[];
	dependencies?: Record<string, string>;
	optionalDependencies?: Record<string, string>;
	bundleDependencies?: unknown;
	bundledDependencies?: unknown;
	peerDependencies?: Record<string, string>;
	n8n?: { nodes?: string[]; credentials?: string[] };
	homepage?: string;
	repository?: { url?: string } | string;
	bugs?: { url?: string } | string;
}

/** What package.json's links say until the repository's real address is filled in. */
const PLACEHOLDER_OWNER = 'github.com/OWNER/';
/** `--release` (the publish workflow): placeholder links fail instead of warning. */
const RELEASING = process.argv.includes('--release');

interface CheckResult {
	name: string;
	problems: string[];
	summary: string;
}
const results: CheckResult[] = [];

async function check(name: string, run: () => string | Promise<string>, problems: string[] = []) {
	let summary: string;
	try {
		summary = await run();
	} catch (error) {
		problems.push(`check crashed: ${(error as Error).stack ?? String(error)}`);
		summary = '';
	}
	results.push({ name, problems, summary });
}

function packList(): PackFile[] {
	// --ignore-scripts: the build ran just before; a prepack rebuild would only add noise
	// to the JSON on stdout.
	const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const parsed = JSON.parse(out.slice(out.indexOf('['))) as Array<{ files: PackFile[] }>;
	return parsed[0].files;
}

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
const files = packList();
const inPack = new Set(files.map((f) => f.path));
const distJs = files.map((f) => f.path).filter((p) => p.startsWith('dist/') && p.endsWith('.js'));

/** dist/a/b.js, .d.ts, .js.map → a/b.ts; dist/a/b.svg → a/b.svg. */
function sourceOf(distPath: string): string {
	return distPath.slice('dist/'.length).replace(/(\.d\.ts|\.js\.map|\.js)$/, '.ts');
}

async function main() {
	// 1. Only what n8n needs: dist/, package.json, README.md, LICENSE*.
	const contentProblems: string[] = [];
	await check(
		'tarball contents',
		() => {
			for (const { path: p } of files) {
				if (p === 'package.json' || p === 'README.md' || /^LICEN[CS]E(\.[a-z]+)?$/i.test(p)) continue;
				if (!p.startsWith('dist/')) {
					contentProblems.push(`${p}: not under dist/ (only dist/**, package.json, README.md, LICENSE* belong in the package)`);
					continue;
				}
				const rel = p.slice('dist/'.length);
				if (!/^(index\.|nodes\/|credentials\/)/.test(rel)) {
					contentProblems.push(`${p}: outside dist/nodes, dist/credentials and dist/index.* (a tsc run with the wrong tsconfig?)`);
					continue;
				}
				if (p.endsWith('.ts') && !p.endsWith('.d.ts')) {
					contentProblems.push(`${p}: TypeScript source in the package`);
					continue;
				}
				if (!/(\.js|\.d\.ts|\.js\.map|\.json|\.svg|\.png)$/.test(p)) {
					contentProblems.push(`${p}: unexpected file type`);
					continue;
				}
				if (p.endsWith('.json') && !rel.startsWith('nodes/')) {
					contentProblems.push(`${p}: JSON outside dist/nodes (codex files live beside their node)`);
					continue;
				}
				if (!fs.existsSync(path.join(ROOT, sourceOf(p)))) {
					contentProblems.push(
						`${p}: no ${sourceOf(p)} in the repo: stale build output (run npm run clean && npm run build)`,
					);
				}
			}
			for (const required of ['package.json', 'README.md']) {
				if (!inPack.has(required)) contentProblems.push(`${required}: missing from the package`);
			}
			if (!files.some((f) => /^LICEN[CS]E/i.test(f.path))) contentProblems.push('LICENSE: missing from the package');
			const size = files.reduce((sum, f) => sum + f.size, 0);
			return `${files.length} files, ${(size / 1024).toFixed(1)} kB unpacked`;
		},
		contentProblems,
	);

	// 2. Source maps: allowed, but beside their .js and without embedded sources.
	const mapProblems: string[] = [];
	await check(
		'source maps',
		() => {
			const maps = files.map((f) => f.path).filter((p) => p.endsWith('.map'));
			for (const m of maps) {
				if (!inPack.has(m.replace(/\.map$/, ''))) mapProblems.push(`${m}: no ${m.replace(/\.map$/, '')} beside it`);
				const map = JSON.parse(fs.readFileSync(path.join(ROOT, m), 'utf8')) as { sourcesContent?: unknown };
				if (map.sourcesContent) mapProblems.push(`${m}: embeds sourcesContent (TypeScript sources shipped)`);
			}
			return `${maps.length} .js.map files, no embedded sources`;
		},
		mapProblems,
	);

	// 3. Every entry n8n loads is in the tarball.
	const pathProblems: string[] = [];
	await check(
		'n8n entry points',
		() => {
			const nodes = pkg.n8n?.nodes ?? [];
			const credentials = pkg.n8n?.credentials ?? [];
			if (nodes.length === 0) pathProblems.push('package.json n8n.nodes is empty');
			for (const p of [...nodes, ...credentials]) {
				if (!inPack.has(p.replace(/^\.\//, ''))) pathProblems.push(`${p}: listed in package.json "n8n" but not in the package`);
			}
			if (pkg.main && !inPack.has(pkg.main.replace(/^\.\//, ''))) pathProblems.push(`main ${pkg.main}: not in the package`);
			return `${nodes.length} node(s), ${credentials.length} credential(s)${pkg.main ? `, main ${pkg.main}` : ''}`;
		},
		pathProblems,
	);

	// 4. Each node has its codex file and icon(s); each credential its icon.
	const assetProblems: string[] = [];
	await check(
		'node and credential assets',
		() => {
			const seen: string[] = [];
			for (const entry of pkg.n8n?.nodes ?? []) {
				const p = entry.replace(/^\.\//, '');
				const instance = loadClass(p, (o) => typeof o.description === 'object' && o.description !== null);
				if (!instance) {
					assetProblems.push(`${p}: exports no node class with a description`);
					continue;
				}
				const description = instance.description as { name?: string; icon?: unknown };
				const codex = p.replace(/\.js$/, '.json');
				if (!inPack.has(codex)) {
					assetProblems.push(`${p}: codex file ${codex} not in the package`);
				} else {
					const content = JSON.parse(fs.readFileSync(path.join(ROOT, codex), 'utf8')) as { node?: string };
					const expected = `${pkg.name}.${description.name}`;
					if (content.node !== expected) assetProblems.push(`${codex}: "node" is ${JSON.stringify(content.node)}, expected "${expected}"`);
				}
				checkIcons(p, description.icon, 'node');
				seen.push(String(description.name));
			}
			for (const entry of pkg.n8n?.credentials ?? []) {
				const p = entry.replace(/^\.\//, '');
				const instance = loadClass(p, (o) => typeof o.name === 'string' && Array.isArray(o.properties));
				if (!instance) {
					assetProblems.push(`${p}: exports no credential class`);
					continue;
				}
				checkIcons(p, instance.icon, 'credential');
				seen.push(String(instance.name));
			}
			return `codex + icons present for ${seen.join(', ')}`;
		},
		assetProblems,
	);

	function loadClass(distPath: string, accept: (o: Record<string, unknown>) => boolean) {
		const mod = require(path.join(ROOT, distPath)) as Record<string, unknown>;
		for (const value of Object.values(mod)) {
			if (typeof value !== 'function') continue;
			try {
				const instance = new (value as new () => Record<string, unknown>)();
				if (accept(instance)) return instance;
			} catch {
				// not a class with a no-argument constructor
			}
		}
		return undefined;
	}

	function checkIcons(distPath: string, icon: unknown, what: string) {
		const icons =
			typeof icon === 'string' ? [icon] : icon && typeof icon === 'object' ? Object.values(icon as Record<string, unknown>) : [];
		if (icons.length === 0) assetProblems.push(`${distPath}: the ${what} declares no icon`);
		for (const i of icons) {
			if (typeof i !== 'string' || !i.startsWith('file:')) continue; // fa:/node: icons need no file
			const iconPath = path.posix.normalize(path.posix.join(path.posix.dirname(distPath), i.slice('file:'.length)));
			if (!inPack.has(iconPath)) assetProblems.push(`${distPath}: icon ${i} → ${iconPath} not in the package`);
		}
	}

	// 5. package.json: no runtime dependencies, n8n-workflow the only peer, the keyword.
	const manifestProblems: string[] = [];
	await check(
		'package.json',
		() => {
			for (const field of ['dependencies', 'optionalDependencies'] as const) {
				const deps = pkg[field];
				if (deps && Object.keys(deps).length > 0) {
					manifestProblems.push(`"${field}" must be empty (n8n installs no runtime dependencies): ${Object.keys(deps).join(', ')}`);
				}
			}
			for (const field of ['bundleDependencies', 'bundledDependencies'] as const) {
				const deps = pkg[field];
				if (deps && (!Array.isArray(deps) || deps.length > 0)) manifestProblems.push(`"${field}" must be absent`);
			}
			const peers = pkg.peerDependencies ?? {};
			const peerNames = Object.keys(peers);
			if (peerNames.length !== 1 || peers['n8n-workflow'] === undefined) {
				manifestProblems.push(`peerDependencies must be exactly { "n8n-workflow": "*" }, got ${JSON.stringify(peers)}`);
			} else if (peers['n8n-workflow'] !== '*') {
				manifestProblems.push(`peerDependencies["n8n-workflow"] must be "*" (valid-peer-dependencies), got "${peers['n8n-workflow']}"`);
			}
			if (!pkg.keywords?.includes(COMMUNITY_KEYWORD)) manifestProblems.push(`keywords must include "${COMMUNITY_KEYWORD}"`);
			const links = {
				homepage: pkg.homepage,
				'repository.url': typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url,
				'bugs.url': typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url,
			};
			const placeholders: string[] = [];
			for (const [field, url] of Object.entries(links)) {
				if (!url) manifestProblems.push(`"${field}" is missing (n8n's package page and verification link to it)`);
				else if (url.includes(PLACEHOLDER_OWNER)) placeholders.push(field);
			}
			const fillIn = `${placeholders.join(', ')} still point at ${PLACEHOLDER_OWNER}: fill in the repository's address before the first release (README, Releasing)`;
			if (placeholders.length && RELEASING) manifestProblems.push(fillIn);
			return `no dependencies, peer n8n-workflow@*, keyword ${COMMUNITY_KEYWORD}${placeholders.length ? `; WARNING: ${fillIn}` : ''}`;
		},
		manifestProblems,
	);

	// 6. Every runtime require() in dist resolves to something n8n provides or we ship.
	const requireProblems: string[] = [];
	await check(
		'runtime requires',
		() => {
			const external = new Map<string, number>();
			let relative = 0;
			for (const file of distJs) {
				for (const { spec, line } of findRequires(file)) {
					const where = `${file}:${line}`;
					if (spec === undefined) {
						requireProblems.push(`${where}: require/import with a computed argument (cannot verify)`);
					} else if (spec.startsWith('./') || spec.startsWith('../')) {
						relative++;
						const target = resolveRelative(file, spec);
						if (!target) requireProblems.push(`${where}: require("${spec}") → no such file in the package`);
					} else {
						const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
						external.set(spec, (external.get(spec) ?? 0) + 1);
						if (!ALLOWED_PACKAGES.includes(name) && !ALLOWED_BUILTINS.includes(spec)) {
							requireProblems.push(
								`${where}: require("${spec}") is not available to a community node (allowed: ${[...ALLOWED_PACKAGES, ...ALLOWED_BUILTINS].join(', ')}, or a file in the package)`,
							);
						}
					}
				}
			}
			const ext = [...external].map(([s, n]) => `${s}×${n}`).join(', ');
			return `${distJs.length} .js files: ${ext || 'no external modules'}, ${relative} relative`;
		},
		requireProblems,
	);

	function findRequires(file: string): Array<{ spec: string | undefined; line: number }> {
		const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
		const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
		const found: Array<{ spec: string | undefined; line: number }> = [];
		const visit = (node: ts.Node) => {
			if (ts.isCallExpression(node)) {
				const callee = node.expression;
				const isRequire =
					(ts.isIdentifier(callee) && callee.text === 'require') ||
					// require.resolve(...) and friends
					(ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require');
				const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
				if (isRequire || isImport) {
					const arg = node.arguments[0];
					const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
					found.push({ spec: arg && ts.isStringLiteralLike(arg) ? arg.text : undefined, line });
				}
			}
			ts.forEachChild(node, visit);
		};
		visit(source);
		return found;
	}

	function resolveRelative(fromFile: string, spec: string): string | undefined {
		const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec));
		return [base, `${base}.js`, `${base}.json`, `${base}/index.js`].find((c) => inPack.has(c));
	}

	// 7. The verification scanner's tarball leg: recommended rules on the shipped .js and
	//    package.json (configuration copied from @n8n/scan-community-package's
	//    buildScanConfig; only errors fail a scan).
	const scanProblems: string[] = [];
	await check(
		'verification scan of the tarball (@n8n/scan-community-package, dist leg)',
		async () => {
			const eslint = new ESLint({
				cwd: ROOT,
				allowInlineConfig: false,
				overrideConfigFile: true,
				overrideConfig: scanConfig(),
			});
			const targets = [...distJs, 'package.json'].map((p) => path.join(ROOT, p));
			const lintResults = await eslint.lintFiles(targets);
			let warnings = 0;
			for (const r of lintResults) {
				for (const m of r.messages) {
					if (m.severity === 2) {
						scanProblems.push(`${path.relative(ROOT, r.filePath)}:${m.line}:${m.column} ${m.ruleId ?? 'parse'}: ${m.message}`);
					} else {
						warnings++;
					}
				}
			}
			return `${targets.length} files, 0 errors${warnings ? `, ${warnings} warning(s) (npm run lint shows them on the sources)` : ''}`;
		},
		scanProblems,
	);

	function scanConfig(): Linter.Config[] {
		// Both plugins are loaded the way the scanner loads them; the community plugin is
		// ESM-only (require(esm) works on Node >= 20.19).
		/* eslint-disable @typescript-eslint/no-require-imports */
		const { n8nCommunityNodesPlugin } = require('@n8n/eslint-plugin-community-nodes') as {
			n8nCommunityNodesPlugin: { configs: { recommended: Linter.Config } };
		};
		const n8nNodesPlugin = require('eslint-plugin-n8n-nodes-base') as {
			configs: Record<'community' | 'credentials' | 'nodes', { rules: Linter.RulesRecord }>;
		} & NonNullable<Linter.Config['plugins']>[string];
		const { parser } = require('typescript-eslint') as { parser: Linter.Parser };
		/* eslint-enable @typescript-eslint/no-require-imports */
		return [
			n8nCommunityNodesPlugin.configs.recommended,
			{ rules: { 'no-console': 'error' } },
			{ plugins: { 'n8n-nodes-base': n8nNodesPlugin } },
			{ files: ['package.json'], rules: { ...n8nNodesPlugin.configs.community.rules } },
			{
				files: ['**/credentials/**/*.ts'],
				rules: {
					...n8nNodesPlugin.configs.credentials.rules,
					'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
					'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
				},
			},
			{
				files: ['**/nodes/**/*.ts'],
				rules: {
					...n8nNodesPlugin.configs.nodes.rules,
					'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
					'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
					'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
				},
			},
			{ files: ['**/*.json'], languageOptions: { parser } },
			{ files: ['**/*.ts'], languageOptions: { parser } },
		];
	}

	let failed = 0;
	for (const r of results) {
		if (r.problems.length === 0) {
			console.log(`PASS  ${r.name}: ${r.summary}`);
		} else {
			failed++;
			console.log(`FAIL  ${r.name}`);
			for (const p of r.problems) console.log(`        - ${p}`);
		}
	}
	console.log(failed ? `\n${failed} of ${results.length} package checks failed` : `\nall ${results.length} package checks passed`);
	process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});

// The official community-node lint, reproduced from @n8n/node-cli 0.48.3
// (dist/configs/eslint.js, exported as `@n8n/node-cli/eslint` → `config`, i.e. the
// n8n Cloud-compatible variant that `n8n-node lint` runs). The blocks below are that
// config verbatim; the only addition is the list of ignored folders, so that
// `eslint .` stays on what gets published (nodes/, credentials/, package.json).
//
// Versions are pinned to what @n8n/node-cli 0.48.3 installs, except typescript-eslint:
// node-cli pins 8.35.0, whose peer range stops at TypeScript < 5.9 and this repo
// compiles with 5.9.3. typescript-eslint only changes its `recommended` set in a major
// release, so 8.74.0 applies the same rules.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importPlugin from 'eslint-plugin-import-x';
import n8nNodesBasePlugin from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

// `recommended` = the set n8n's verification (and n8n Cloud) applies; node-cli's
// `configWithoutCloudSupport` swaps in `recommendedWithoutN8nCloudSupport`, which drops
// no-restricted-imports and no-restricted-globals. We keep the strict one.
const communityNodesRecommended = n8nCommunityNodesPlugin.configs.recommended;

export default tseslint.config(
	globalIgnores(['dist', 'coverage', '.cache', '.e2e', 'test', 'scripts', 'bench']),
	{
		files: ['**/*.ts'],
		extends: [
			js.configs.recommended,
			tseslint.configs.recommended,
			communityNodesRecommended,
			importPlugin.configs['flat/recommended'],
		],
		rules: {
			'prefer-spread': 'off',
			'no-console': 'error',
		},
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesBasePlugin },
		settings: {
			'import-x/resolver-next': [createTypeScriptImportResolver()],
		},
	},
	{
		files: ['package.json'],
		extends: [communityNodesRecommended],
		rules: {
			...n8nNodesBasePlugin.configs.community.rules,
		},
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: {
				extraFileExtensions: ['.json'],
			},
		},
	},
	{
		files: ['./credentials/**/*.ts'],
		rules: {
			...n8nNodesBasePlugin.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['./nodes/**/*.ts'],
		rules: {
			...n8nNodesBasePlugin.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
);

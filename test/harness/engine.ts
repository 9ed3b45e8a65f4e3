/**
 * One-time wiring of the n8n-core services a real execution reaches through the DI
 * container, done the way n8n's own test setup and `BaseCommand.init()` do it.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { BinaryDataService, Cipher, EncryptionKeyProxy, InstanceSettings } from 'n8n-core';
import { LoggerProxy } from 'n8n-workflow';
import { rmSync } from 'node:fs';

import { CapturingLogger } from './log-capture';
import { HARNESS_TEMP_DIR_ENV } from './temp-dir';

export const harnessLogger = new CapturingLogger();

let engineReady: Promise<void> | undefined;

// Registered at import time (the only moment jest accepts a top-level hook from here) so
// each test file's settings and binary data are deleted when its tests are done.
if (typeof afterAll === 'function') {
	afterAll(() => {
		const harnessDir = process.env[HARNESS_TEMP_DIR_ENV];
		if (harnessDir) rmSync(harnessDir, { recursive: true, force: true });
	});
}

/** Idempotent: every harness entry point awaits this before touching n8n-core. */
export async function ensureEngineReady(): Promise<void> {
	engineReady ??= initialiseEngine();
	return await engineReady;
}

async function initialiseEngine() {
	assertHermeticEnvironment();

	// Must precede the first `Container.get` of anything that injects Logger.
	Container.set(Logger, harnessLogger as unknown as Logger);
	LoggerProxy.init(harnessLogger);

	registerEncryptionKeyProvider();

	// Filesystem mode (configured in env.ts) so prepareBinaryData(stream) streams to disk
	// like a default n8n install, instead of buffering base64 in the item.
	await Container.get(BinaryDataService).init();
}

/**
 * The cipher refuses to work without a key provider. Production registers one at boot;
 * this mirrors n8n's test setup: the instance key, wrapped as the legacy no-rotation key.
 */
function registerEncryptionKeyProvider() {
	const legacyInstanceKey = async () => ({
		id: 'instance-key',
		value: Container.get(Cipher).encryptDEKWithInstanceKey(
			Container.get(InstanceSettings).encryptionKey,
		),
		algorithm: 'aes-256-cbc',
		format: 'no-prefix' as const,
	});
	Container.get(EncryptionKeyProxy).setProvider({
		getActiveKey: legacyInstanceKey,
		getLegacyKey: legacyInstanceKey,
		getKeyById: async () => null,
	});
}

/** Fails loudly if jest did not run env.ts, rather than letting n8n write to ~/.n8n. */
function assertHermeticEnvironment() {
	for (const name of ['N8N_USER_FOLDER', 'N8N_ENCRYPTION_KEY', 'N8N_BINARY_DATA_STORAGE_PATH']) {
		if (!process.env[name]) {
			throw new Error(
				`${name} is not set: the harness needs test/harness/env.ts in jest "setupFiles".`,
			);
		}
	}
}

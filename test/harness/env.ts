/**
 * Jest `setupFiles` entry: runs before any test module (and so before n8n-core) is loaded.
 *
 * n8n-core's InstanceSettings reads N8N_USER_FOLDER and N8N_ENCRYPTION_KEY when it is first
 * constructed and, without them, creates `~/.n8n/config` with a fresh key. Pointing both at
 * throwaway values keeps every test file hermetic and the developer's home folder untouched.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { HARNESS_TEMP_DIR_ENV } from './temp-dir';

// Only named here; n8n-core creates it on first use, so test files that never start the
// engine leave nothing behind. The harness removes it after the file's tests (engine.ts).
const harnessDir = path.join(tmpdir(), `n8n-nodes-apixo-harness-${randomBytes(6).toString('hex')}`);

process.env[HARNESS_TEMP_DIR_ENV] = harnessDir;
process.env.N8N_USER_FOLDER = path.join(harnessDir, 'user');
process.env.N8N_ENCRYPTION_KEY = 'harness-throwaway-encryption-key';
// Binary data goes to disk (filesystem mode) under the temp dir, never under the user folder;
// a bench may ask for another mode (N8N_DEFAULT_BINARY_DATA_MODE=default) to measure it.
process.env.N8N_DEFAULT_BINARY_DATA_MODE ??= 'filesystem';
process.env.N8N_BINARY_DATA_STORAGE_PATH = path.join(harnessDir, 'binary-data');
// The harness captures logs itself; this only quiets n8n code used outside the harness.
process.env.N8N_LOG_LEVEL ??= 'error';

/** Temp folders the real-n8n scripts make, removed when the process exits, whatever the reason. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made = new Set<string>();
let registered = false;

/** A fresh `<tmpdir>/<prefix>XXXXXX`, removed on exit. */
export function makeTempDir(prefix: string): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
	made.add(dir);
	if (!registered) {
		registered = true;
		process.on('exit', () => {
			for (const folder of made) rmSync(folder, { recursive: true, force: true });
		});
	}
	return dir;
}

/**
 * One line per check (`ok   name (ms)` / `FAIL name: why`), a summary line, and a
 * screenshot of the page for every failure.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export class CheckRun {
	private readonly results: Array<{ name: string; error?: string }> = [];
	private aborted = false;

	constructor(
		private readonly failureDir: string,
		private readonly page: () => Page | undefined,
		/** Brings the page back to a known state after a failure (e.g. reopens the node panel). */
		private readonly recover: () => Promise<void> = async () => {},
	) {}

	/** After an interruption the remaining checks are not run (nor reported). */
	abort(): void {
		this.aborted = true;
	}

	async check(name: string, fn: () => Promise<string | void>): Promise<boolean> {
		if (this.aborted) return false;
		const started = Date.now();
		try {
			const note = await fn();
			this.results.push({ name });
			console.log(`ok   ${name} (${Date.now() - started} ms)${note ? `: ${note}` : ''}`);
			return true;
		} catch (error) {
			if (this.aborted) return false; // the browser went away under it: not a finding
			const message = (error as Error).message.split('\n')[0];
			this.results.push({ name, error: message });
			const shot = await this.failureScreenshot(name);
			console.log(`FAIL ${name}: ${message}${shot ? ` (screenshot ${shot})` : ''}`);
			await this.recover().catch((e: unknown) => console.log(`     (recovery failed: ${(e as Error).message.split('\n')[0]})`));
			return false;
		}
	}

	/** Records a failure that happened outside a check (setup, teardown). */
	fail(name: string, error: unknown): void {
		const message = error instanceof Error ? error.message : String(error);
		this.results.push({ name, error: message });
		console.log(`FAIL ${name}: ${message}`);
	}

	get failed(): number {
		return this.results.filter((r) => r.error !== undefined).length;
	}

	get passed(): number {
		return this.results.length - this.failed;
	}

	summary(): string {
		return `${this.passed} passed, ${this.failed} failed`;
	}

	private async failureScreenshot(name: string): Promise<string | undefined> {
		const page = this.page();
		if (!page || page.isClosed()) return undefined;
		try {
			mkdirSync(this.failureDir, { recursive: true });
			const file = path.join(this.failureDir, `${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 80)}.png`);
			await page.screenshot({ path: file, timeout: 5_000 });
			return path.relative(process.cwd(), file);
		} catch {
			return undefined;
		}
	}
}

export function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

/** Fails naming what is missing from `shown`. */
export function expectShown(what: string, shown: string[], expected: string[]): void {
	const missing = expected.filter((name) => !shown.includes(name));
	assert(missing.length === 0, `${what} misses ${missing.map((m) => `"${m}"`).join(', ')}; the page shows ${JSON.stringify(shown)}`);
}

/** Fails naming what is shown but should not be. */
export function expectHidden(what: string, shown: string[], unexpected: Array<string | RegExp>): void {
	const present = shown.filter((name) => unexpected.some((u) => (typeof u === 'string' ? u === name : u.test(name))));
	assert(present.length === 0, `${what} shows ${present.map((m) => `"${m}"`).join(', ')}; the page shows ${JSON.stringify(shown)}`);
}

export function isAlphabetical(names: string[]): boolean {
	const sorted = [...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
	return sorted.every((name, index) => name === names[index]);
}

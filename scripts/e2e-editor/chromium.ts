/**
 * Headless Chromium from Debian's `chromium` package, started by us (so we own its process
 * id and its process group) and driven by playwright-core over the DevTools protocol.
 *
 *   const chromium = await startChromium();
 *   try { const page = await chromium.newPage(); ... } finally { await chromium.stop(); }
 *
 * No browser is downloaded: the executable is /usr/bin/chromium, installed from Debian's package
 * when missing (`apt-get install chromium`),
 * E2E_CHROMIUM overrides it. Every start gets a new, empty user-data-dir, removed on stop().
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

/** The flags the issue asks for: headless, no sandbox (we run as root), nothing phoning home. */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface Viewport {
	width: number;
	height: number;
}

export class ChromiumSession {
	private context: BrowserContext | undefined;
	private readonly exited: Promise<void>;

	private constructor(
		private readonly child: ChildProcess,
		readonly userDataDir: string,
		readonly logFile: string,
		private browser: Browser | undefined,
	) {
		this.exited = new Promise((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) resolve();
			else child.once('exit', () => resolve());
		});
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	static async start(timeoutMs = 30_000): Promise<ChromiumSession> {
		if (!existsSync(CHROMIUM_PATH)) installChromium();
		const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-editor-chromium-'));
		const logFile = path.join(userDataDir, 'chromium.log');
		const logFd = openSync(logFile, 'a');
		const child = spawn(
			CHROMIUM_PATH,
			[...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', 'about:blank'],
			{ detached: true, stdio: ['ignore', logFd, logFd] }, // own process group: stop() kills its helpers too
		);
		closeSync(logFd);
		live.set(child, userDataDir);
		registerExitHandler();
		const session = new ChromiumSession(child, userDataDir, logFile, undefined);
		try {
			const endpoint = await session.waitForDevTools(timeoutMs);
			session.browser = await chromium.connectOverCDP(endpoint, { timeout: timeoutMs });
			return session;
		} catch (error) {
			const log = session.logTail();
			await session.stop();
			throw new Error(`Chromium did not start: ${(error as Error).message}${log ? `\n--- chromium.log (tail) ---\n${log}` : ''}`);
		}
	}

	/** A page in a fresh browser context (its own cookies) with the given viewport. */
	async newPage(viewport: Viewport): Promise<Page> {
		if (!this.browser) throw new Error('Chromium is not connected');
		this.context ??= await this.browser.newContext({ viewport, deviceScaleFactor: 1 });
		return await this.context.newPage();
	}

	logTail(lines = 30): string {
		try {
			return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
		} catch {
			return '';
		}
	}

	/** Disconnects, then ends Chromium's process group by its id (SIGTERM, SIGKILL after 5 s). */
	async stop(): Promise<void> {
		const browser = this.browser;
		this.browser = undefined;
		if (browser) await Promise.race([browser.close().catch(() => undefined), sleep(5_000)]);
		if (this.child.exitCode === null && this.child.signalCode === null) {
			killGroup(this.child.pid, 'SIGTERM');
			const ended = await Promise.race([this.exited.then(() => true), sleep(5_000).then(() => false)]);
			if (!ended) {
				killGroup(this.child.pid, 'SIGKILL');
				await this.exited;
			}
		}
		killGroup(this.child.pid, 'SIGKILL'); // helpers (zygote, renderers) left in the group, if any
		live.delete(this.child);
		rmSync(this.userDataDir, { recursive: true, force: true });
	}

	/** Chromium writes its DevTools port to <user-data-dir>/DevToolsActivePort once it listens. */
	private async waitForDevTools(timeoutMs: number): Promise<string> {
		const file = path.join(this.userDataDir, 'DevToolsActivePort');
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.child.exitCode !== null || this.child.signalCode !== null) {
				throw new Error(`chromium exited early (${this.child.exitCode ?? this.child.signalCode})`);
			}
			if (existsSync(file)) {
				const [port, wsPath] = readFileSync(file, 'utf8').split('\n');
				if (port && wsPath) return `ws://127.0.0.1:${port.trim()}${wsPath.trim()}`;
			}
			await sleep(100);
		}
		throw new Error(`no DevToolsActivePort after ${timeoutMs} ms`);
	}
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// group already gone
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Last resort: a Chromium still running when this process exits is killed by its id. */
const live = new Map<ChildProcess, string>();
let exitHandlerRegistered = false;
function registerExitHandler(): void {
	if (exitHandlerRegistered) return;
	exitHandlerRegistered = true;
	process.on('exit', () => {
		for (const [child, userDataDir] of live) {
			killGroup(child.pid, 'SIGKILL');
			rmSync(userDataDir, { recursive: true, force: true });
		}
	});
}

/** A fresh machine has no Chromium: Debian's package is the one browser this workplace allows. */
function installChromium(): void {
	if (process.getuid?.() !== 0) {
		throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y --no-install-recommends chromium`);
	}
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const args of [['-q', 'update'], ['-q', 'install', '-y', '--no-install-recommends', 'chromium']]) {
		const result = spawnSync('apt-get', args, { env, stdio: ['ignore', process.stderr, process.stderr] });
		if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status})`);
	}
	if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is missing`);
}

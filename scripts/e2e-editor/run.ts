/**
 * `npm run e2e:editor` (issue #6): our package in the real, pinned n8n editor, seen through a
 * headless Chromium.
 *
 *   1. builds and packs the package (scripts/kit/package-under-test.ts), starts n8n with it
 *      (scripts/e2e/n8n-instance.ts), adds an APIXO API credential and two workflows over REST;
 *   2. starts /usr/bin/chromium (scripts/e2e-editor/chromium.ts), signs in through the login
 *      form, opens each workflow and the node's panel;
 *   3. checks what the panel SHOWS for every resource and operation (labels, notices, option
 *      lists read from the DOM) and screenshots it into docs/images/;
 *   4. stops Chromium and n8n by their process ids, also on failure, and prints
 *      `N passed, N failed` (exit code 1 on any failure).
 *
 * Nothing reaches APIXO: no step is executed and the credential points at a closed local port.
 * Env: E2E_EDITOR_TIMEOUT_MS (whole run, default 600000), E2E_EDITOR_IMAGES (default docs/images).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { N8nInstance, OWNER } from '../e2e/n8n-instance';
import { ChromiumSession } from './chromium';
import { assert, CheckRun, expectHidden, expectShown, isAlphabetical } from './checks';
import { EditorPage } from './editor';
import {
	CALLBACK_MODE,
	DURATION,
	POLL_OPTIONS,
	VIDEO_FIELDS,
	VIDEO_OPERATIONS,
	VIDEO_OPTIONS,
	WAIT_MODES,
} from './expectations';
import { buildAndPack, REPO_ROOT as REPO } from '../kit/package-under-test';
import { createFixtures, KLING, TRIGGER, TRIGGER_WEBHOOK_ID } from './fixtures';
import { checkMediaAndTools } from './media-and-tools';

const IMAGES = path.resolve(REPO, process.env.E2E_EDITOR_IMAGES ?? 'docs/images');
const FAILURES = path.join(REPO, '.e2e', 'editor');
const TIMEOUT_MS = Number(process.env.E2E_EDITOR_TIMEOUT_MS ?? 600_000);
const VIEWPORT = { width: 1280, height: 900 };

const SECRET_TOKEN = 'e2e-editor-secret-token-0123456789';
const PUBLIC_WEBHOOK_BASE = 'https://n8n.example.com/';

const timings: Array<[string, number]> = [];
async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
	const started = Date.now();
	try {
		return await fn();
	} finally {
		timings.push([label, Date.now() - started]);
	}
}

async function main(): Promise<number> {
	const startedAt = Date.now();
	let n8n: N8nInstance | undefined;
	let chromium: ChromiumSession | undefined;
	let page: Page | undefined;
	let editor: EditorPage | undefined;
	let openNodeName: string | undefined;

	const run = new CheckRun(
		FAILURES,
		() => page,
		async () => {
			// back to a known state: no dropdown open, the node panel of the node under test open
			if (!page || !editor) return;
			await page.keyboard.press('Escape');
			if (openNodeName && !(await editor.ndv.isVisible())) await editor.openNode(openNodeName);
		},
	);

	// Stops what this run started, each by its process id. Also runs on SIGINT/SIGTERM and on the
	// watchdog; `process.on('exit')` below covers an exit that cuts it short (scripts/e2e's own
	// signal handler exits once its instances are stopping).
	let stopping: Promise<void> | undefined;
	let stoppedN8n = false;
	const cleanup = async (): Promise<void> => {
		stopping ??= (async () => {
			run.abort();
			await Promise.allSettled([
				chromium?.stop(),
				n8n?.stop().then(() => {
					stoppedN8n = true;
				}),
			]);
		})();
		await stopping;
	};
	process.on('exit', () => {
		if (n8n && !stoppedN8n && n8n.pid !== undefined) {
			try {
				process.kill(-n8n.pid, 'SIGKILL');
			} catch {
				// already gone
			}
			rmSync(n8n.userFolder, { recursive: true, force: true });
		}
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			console.log(`${signal}: stopping Chromium and n8n`);
			void cleanup().finally(() => process.exit(130));
		});
	}
	const watchdog = setTimeout(() => {
		run.fail('the whole run', new Error(`took over ${TIMEOUT_MS} ms`));
		void cleanup().finally(() => {
			console.log(run.summary());
			process.exit(1);
		});
	}, TIMEOUT_MS);
	watchdog.unref();

	try {
		const { tgz } = await timed('pack', () => buildAndPack());
		// The URL n8n shows for webhooks (and nothing else here): a public-looking one for the docs.
		n8n = await timed('n8n start', async () => await N8nInstance.start({ packages: [tgz], env: { WEBHOOK_URL: PUBLIC_WEBHOOK_BASE } }));
		console.log(`n8n ${n8n.install.n8nVersion} at ${n8n.baseUrl} (pid ${n8n.pid}) with ${path.basename(tgz)}`);
		const { klingWorkflowId, triggerWorkflowId } = await createFixtures(n8n);

		chromium = await timed('chromium start', async () => await ChromiumSession.start());
		console.log(`chromium ${CHROMIUM_LABEL()} (pid ${chromium.pid})`);
		page = await chromium.newPage(VIEWPORT);
		page.on('dialog', (dialog) => void dialog.accept()); // "leave with unsaved changes?"
		const ui = new EditorPage(page, n8n.baseUrl);
		editor = ui;
		mkdirSync(IMAGES, { recursive: true });

		const checksStartedAt = Date.now();
		await run.check('sign in as the owner through the login form', async () => {
			await ui.signIn(OWNER.email, OWNER.password);
			return `landed on ${new URL(ui.page.url()).pathname}`;
		});
		await checkMediaAndTools(run, ui, n8n, IMAGES, (name) => (openNodeName = name));

		await run.check(`open the workflow and the "${KLING}" node panel`, async () => {
			await ui.openWorkflow(klingWorkflowId);
			const title = await ui.openNode(KLING);
			openNodeName = KLING;
			assert(title === KLING, `the panel is titled "${title}"`);
		});

		await run.check('Resource lists Account, Task, Video', async () => {
			const names = (await ui.optionsOf('resource')).map((c) => c.name);
			const ours = names.filter((n) => ['Account', 'Task', 'Video'].includes(n));
			assert(JSON.stringify(ours) === '["Account","Task","Video"]', `the page lists ${JSON.stringify(names)}`);
			const extra = names.filter((n) => !ours.includes(n));
			return extra.length ? `n8n adds ${JSON.stringify(extra)}` : undefined;
		});

		await run.check('Video operations: Image to Video, Motion Control, Text to Video, each described', async () => {
			const choices = await ui.optionsOf('operation');
			const names = choices.map((c) => c.name).filter((n) => n !== 'Custom API Call');
			assert(JSON.stringify(names) === JSON.stringify(['Image to Video', 'Motion Control', 'Text to Video']), `the page lists ${JSON.stringify(names)}`);
			const undescribed = choices.filter((c) => names.includes(c.name) && !c.description).map((c) => c.name);
			assert(undescribed.length === 0, `no description under ${JSON.stringify(undescribed)}`);
		});

		for (const op of VIDEO_OPERATIONS) {
			await run.check(`${op.name}: shows ${op.shows.join(', ')}; hides ${op.hides.map(String).join(', ')}`, async () => {
				await ui.select('operation', op.name);
				const view = await ui.readPanel();
				expectShown(op.name, view.labels, op.shows);
				expectHidden(op.name, view.labels, op.hides);
			});

			if (op.name === 'Text to Video') {
				await run.check('Text to Video: Aspect Ratio offers 1:1, 16:9, 9:16', async () => {
					const names = (await ui.optionsOf('aspectRatio')).map((c) => c.name);
					for (const ratio of ['1:1', '16:9', '9:16']) {
						assert(names.some((n) => n.startsWith(ratio)), `no ${ratio} in ${JSON.stringify(names)}`);
					}
					return JSON.stringify(names);
				});
			}

			await run.check(`${op.name}: the price notice follows Sound (off ${op.price.off}/s, on ${op.price.on}/s)`, async () => {
				const off = await ui.readPanel();
				assert(off.notices.some((n) => n.includes(`${op.price.off} per second`) || n.includes(`${op.price.off}/s`)), `sound off, notices ${JSON.stringify(off.notices)}`);
				assert(await ui.toggle('sound'), 'the Sound switch did not turn on');
				const on = await ui.readPanel();
				assert(await ui.toggle('sound') === false, 'the Sound switch did not turn off again');
				assert(on.notices.some((n) => n.includes(`${op.price.on} per second`) || n.includes(`${op.price.on}/s`)), `sound on, notices ${JSON.stringify(on.notices)}`);
				return `off: "${off.notices.join(' | ')}"; on: "${on.notices.join(' | ')}"`;
			});

			await run.check(`${op.name}: Additional Fields offers ${op.additionalFields.join(', ')}`, async () => {
				const { kind, choices } = await ui.collectionChoices('Additional Fields');
				assert(JSON.stringify(choices) === JSON.stringify(op.additionalFields), `the page offers ${JSON.stringify(choices)}`);
				return kind === 'button' ? 'a single field: n8n shows an "Add Field" button that adds it at once' : undefined;
			});

			await run.check(`${op.name}: Callback URL only with Wait Mode "${CALLBACK_MODE}"`, async () => {
				const names = (await ui.optionsOf('waitMode')).map((c) => c.name);
				assert(JSON.stringify(names) === JSON.stringify(WAIT_MODES), `Wait Mode lists ${JSON.stringify(names)}`);
				for (const mode of WAIT_MODES) {
					await ui.select('waitMode', mode);
					const shown = (await ui.readPanel()).labels.includes('Callback URL');
					assert(shown === (mode === CALLBACK_MODE), `Wait Mode "${mode}": Callback URL ${shown ? 'shown' : 'hidden'}`);
				}
				await ui.select('waitMode', 'Poll');
			});

			await run.check(`${op.name}: Options → Add Option lists ${VIDEO_OPTIONS.length}+ options, alphabetically`, async () => {
				const { placeholder, choices } = await ui.collectionChoices('Options');
				assert(placeholder === 'Add Option', `the add control reads "${placeholder}"`);
				expectShown('Add Option', choices, VIDEO_OPTIONS);
				assert(isAlphabetical(choices), `not alphabetical: ${JSON.stringify(choices)}`);
				return JSON.stringify(choices);
			});

			await run.check(`${op.name}: screenshot ${path.join(path.relative(REPO, IMAGES), op.image)}`, async () => {
				for (const [parameter, value] of Object.entries(op.example)) await ui.fill(parameter, value);
				const size = await ui.screenshotNdv(path.join(IMAGES, op.image));
				return `${size.width}×${size.height}`;
			});

			if (op.name === 'Text to Video') await checkPollOptions(run, ui);
		}

		await run.check('Task operations: Get, Wait, each described', async () => {
			await ui.select('resource', 'Task');
			const choices = (await ui.optionsOf('operation')).filter((c) => c.name !== 'Custom API Call');
			assert(JSON.stringify(choices.map((c) => c.name)) === '["Get","Wait"]', `the page lists ${JSON.stringify(choices)}`);
			assert(choices.every((c) => c.description), `an operation without description: ${JSON.stringify(choices)}`);
		});

		for (const task of [
			{ name: 'Get', image: 'task-get.png', pollOptions: false },
			{ name: 'Wait', image: 'task-wait.png', pollOptions: true },
		]) {
			await run.check(`Task → ${task.name}: shows Task ID and Options; no video fields, Duration, Wait Mode, Callback URL`, async () => {
				await ui.select('operation', task.name);
				const view = await ui.readPanel();
				expectShown(`Task → ${task.name}`, view.labels, ['Task ID', 'Options']);
				expectHidden(`Task → ${task.name}`, view.labels, [...VIDEO_FIELDS, DURATION, 'Wait Mode', 'Callback URL']);
			});
			await run.check(`Task → ${task.name}: Add Option ${task.pollOptions ? 'offers' : 'does not offer'} ${POLL_OPTIONS.join(', ')}`, async () => {
				const { choices } = await ui.collectionChoices('Options');
				if (task.pollOptions) expectShown('Add Option', choices, POLL_OPTIONS);
				else expectHidden('Add Option', choices, POLL_OPTIONS);
				expectHidden('Add Option', choices, ['Dry Run', 'First Poll Delay (Seconds)', 'Max Cost (USD)', 'Max Concurrency']);
				assert(isAlphabetical(choices), `not alphabetical: ${JSON.stringify(choices)}`);
				return JSON.stringify(choices);
			});
			await run.check(`Task → ${task.name}: screenshot ${path.join(path.relative(REPO, IMAGES), task.image)}`, async () => {
				await ui.fill('taskId', 'task_12345678');
				const size = await ui.screenshotNdv(path.join(IMAGES, task.image));
				return `${size.width}×${size.height}`;
			});
		}

		await run.check('Account → Get Balance: only Resource and Operation, no video or task fields', async () => {
			await ui.select('resource', 'Account');
			const names = (await ui.optionsOf('operation')).map((c) => c.name).filter((n) => n !== 'Custom API Call');
			assert(JSON.stringify(names) === '["Get Balance"]', `Account operations ${JSON.stringify(names)}`);
			const view = await ui.readPanel();
			expectHidden('Account → Get Balance', view.labels, [...VIDEO_FIELDS, DURATION, 'Task ID', 'Wait Mode', 'Callback URL', 'Options']);
			assert(JSON.stringify(view.labels) === '["Resource","Operation"]', `labels ${JSON.stringify(view.labels)}`);
		});
		await run.check(`Account → Get Balance: screenshot ${path.join(path.relative(REPO, IMAGES), 'account-get-balance.png')}`, async () => {
			const size = await ui.screenshotNdv(path.join(IMAGES, 'account-get-balance.png'));
			return `${size.width}×${size.height}`;
		});

		await run.check(`open the trigger workflow and the "${TRIGGER}" node panel`, async () => {
			await ui.openWorkflow(triggerWorkflowId);
			const title = await ui.openNode(TRIGGER);
			openNodeName = TRIGGER;
			assert(title === TRIGGER, `the panel is titled "${title}"`);
		});

		await run.check('APIXO Trigger: notice explains the callback URL; Secret Token and Options shown', async () => {
			const view = await ui.readPanel();
			expectShown('APIXO Trigger', view.labels, ['Secret Token', 'Options']);
			const notice = view.notices.find((n) => /Production URL/.test(n));
			assert(notice, `no notice naming the Production URL: ${JSON.stringify(view.notices)}`);
			assert(/token=/.test(notice) && /Secret Token/.test(notice), `the notice does not say how to add the token: "${notice}"`);
			return `"${notice}"`;
		});

		await run.check('APIXO Trigger: Production URL is <WEBHOOK_URL>webhook/<webhookId>/apixo', async () => {
			const expected = `${PUBLIC_WEBHOOK_BASE}webhook/${TRIGGER_WEBHOOK_ID}/apixo`;
			const url = await ui.webhookUrl('production');
			assert(url === expected, `the page shows "${url}", expected "${expected}"`);
			return url;
		});

		await run.check('APIXO Trigger: Add Option lists Download Video, Include Failed Tasks, Put Output File in Field', async () => {
			const { choices } = await ui.collectionChoices('Options');
			expectShown('Add Option', choices, ['Download Video', 'Include Failed Tasks', 'Put Output File in Field']);
			assert(isAlphabetical(choices), `not alphabetical: ${JSON.stringify(choices)}`);
		});

		await run.check('APIXO Trigger: Secret Token is flagged until set', async () => {
			assert(await ui.hasIssue('secretToken'), 'an empty Secret Token is not flagged');
			await ui.fill('secretToken', SECRET_TOKEN);
			await ui.page.waitForTimeout(300);
			assert(!(await ui.hasIssue('secretToken')), 'still flagged after setting a Secret Token');
		});

		await run.check(`APIXO Trigger: screenshot ${path.join(path.relative(REPO, IMAGES), 'apixo-trigger.png')}`, async () => {
			await ui.webhookUrl('production');
			const size = await ui.screenshotNdv(path.join(IMAGES, 'apixo-trigger.png'));
			return `${size.width}×${size.height}`;
		});
		timings.push(['checks + screenshots', Date.now() - checksStartedAt]);
	} catch (error) {
		run.fail('setup', error);
		if (n8n) console.log(`--- n8n.log (tail) ---\n${n8n.logTail(30)}`);
	} finally {
		await timed('stop chromium + n8n', cleanup);
		clearTimeout(watchdog);
	}
	timings.push(['total', Date.now() - startedAt]);
	console.log(`timings: ${timings.map(([label, ms]) => `${label} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
	console.log(run.summary());
	return run.failed === 0 ? 0 : 1;
}

/**
 * The poll options once added: their defaults and the advice from APIXO's latency table
 * (first poll after 60 s, then every 5–10 s) as the page shows it; a screenshot; removed again.
 */
async function checkPollOptions(run: CheckRun, ui: EditorPage): Promise<void> {
	const added = ['First Poll Delay (Seconds)', 'Poll Interval (Seconds)', 'Timeout (Seconds)'];
	await run.check('Options: First Poll Delay and Poll Interval show their defaults and APIXO\'s advice (60 s; 5–10 s)', async () => {
		for (const option of added) await ui.addToCollection('Options', option);
		const first = await ui.readParameter('firstPollDelay');
		const interval = await ui.readParameter('pollInterval');
		const timeout = await ui.readParameter('timeout');
		assert(Number(first.value) === 60, `First Poll Delay shows "${first.value}"`);
		assert(Number(interval.value) === 10, `Poll Interval shows "${interval.value}"`);
		assert(Number(timeout.value) > 0, `Timeout shows "${timeout.value}"`);
		assert(/\b60\b/.test(first.text.replace(first.value, '')), `no 60 s advice under First Poll Delay: "${first.text}"`);
		assert(/\b5\s*(–|-|to)\s*10\b/.test(interval.text), `no 5–10 s advice under Poll Interval: "${interval.text}"`);
		return `shown values ${first.value} / ${interval.value} / ${timeout.value}`;
	});
	await run.check(`Options: screenshot ${path.join(path.relative(REPO, IMAGES), 'video-poll-options.png')}`, async () => {
		const size = await ui.screenshotNdv(path.join(IMAGES, 'video-poll-options.png'));
		for (const option of added) {
			if ((await ui.collectionFields('Options')).includes(option)) await ui.removeFromCollection('Options', option);
		}
		assert((await ui.collectionFields('Options')).length === 0, 'the added options could not be removed');
		return `${size.width}×${size.height}`;
	});
}

function CHROMIUM_LABEL(): string {
	try {
		return execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	} catch {
		return '/usr/bin/chromium';
	}
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		console.error(error instanceof Error ? error.stack : error);
		process.exitCode = 1;
	},
);

/**
 * What a user does in n8n 2.40.7's editor, and what the page shows them, through the
 * editor's own `data-test-id` attributes (the ones n8n's Playwright tests use):
 *
 *   signin form      emailOrLdapLoginId, password, form-submit-button
 *   canvas           canvas-node[data-node-name]
 *   node panel (NDV) ndv, node-title-container, ndv-close-button, node-parameters
 *   a parameter      input-label (its <label for=name>), parameter-input-<name>,
 *                    parameter-issues; notices are `.notice` blocks in the list
 *   option lists     .el-select-dropdown__item (option-headline, option-description)
 *   collections      .multi-parameter, collection-parameter-add, collection-parameter-option
 *   webhook URLs     .webhooks .headline, radio-button-test / radio-button-production
 *
 * Everything read here is read from the DOM, never from the node's description.
 */
import type { Locator, Page } from 'playwright-core';

/** What the parameter panel shows: labels and notices in page order, and the inputs' names. */
export interface PanelView {
	labels: string[];
	notices: string[];
	/** Parameter names of the visible inputs (from `parameter-input-<name>`). */
	inputs: string[];
}

export interface OptionChoice {
	name: string;
	description: string;
}

/** The part of the DOM the in-page functions use (the repo's tsconfig has no DOM lib). */
interface DomElement {
	tagName: string;
	textContent: string | null;
	scrollHeight: number;
	clientHeight: number;
	classList: { contains(name: string): boolean };
	getAttribute(name: string): string | null;
	querySelector(selector: string): DomElement | null;
	querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>;
	cloneNode(deep: boolean): DomElement;
	checkVisibility(): boolean;
	remove(): void;
	scrollTo(x: number, y: number): void;
}

const PANEL_TIMEOUT_MS = 15_000;

export class EditorPage {
	constructor(
		readonly page: Page,
		readonly baseUrl: string,
	) {
		page.setDefaultTimeout(PANEL_TIMEOUT_MS);
	}

	/** Signs in through the login form, as a user would. */
	async signIn(email: string, password: string): Promise<void> {
		// The first page load fetches the whole editor bundle: slow on a busy machine.
		await this.page.goto(`${this.baseUrl}/signin`, { timeout: 60_000 });
		await this.page.locator('[data-test-id=emailOrLdapLoginId] input').fill(email);
		await this.page.locator('[data-test-id=password] input').fill(password);
		await this.page.locator('[data-test-id=form-submit-button]').click();
		await this.page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
	}

	async openWorkflow(id: string): Promise<void> {
		await this.page.goto(`${this.baseUrl}/workflow/${id}`);
		await this.page.locator('[data-test-id=canvas-node]').first().waitFor({ timeout: 30_000 });
	}

	canvasNode(name: string): Locator {
		return this.page.locator(`[data-test-id=canvas-node][data-node-name="${name.replace(/"/g, '\\"')}"]`);
	}

	/** Opens the node's panel (double-click on the canvas) and returns the title it shows. */
	async openNode(name: string): Promise<string> {
		await this.canvasNode(name).dblclick();
		await this.ndv.waitFor();
		await this.parameterList.waitFor();
		return (await this.ndv.locator('[data-test-id=node-title-container]').innerText()).trim();
	}

	async closeNode(): Promise<void> {
		await this.page.locator('[data-test-id=ndv-close-button]').click();
		await this.ndv.waitFor({ state: 'hidden' });
	}

	get ndv(): Locator {
		return this.page.locator('[data-test-id=ndv]');
	}

	/** The Parameters tab's list (the Settings tab's list is the next wrapper). */
	get parameterList(): Locator {
		return this.ndv.locator('[data-test-id=node-parameters] .parameter-input-list-wrapper').first();
	}

	async readPanel(): Promise<PanelView> {
		return await this.parameterList.evaluate((root: DomElement) => {
			const visible = (el: DomElement) => el.checkVisibility();
			const labels = [...root.querySelectorAll('[data-test-id=input-label] label')].filter(visible).map((label) => {
				const copy = label.cloneNode(true);
				for (const el of [...copy.querySelectorAll('[data-test-id$=parameter-input-options-container]')]) el.remove();
				return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
			});
			const notices = [...root.querySelectorAll('.notice')]
				.filter(visible)
				.map((notice) => (notice.textContent ?? '').replace(/\s+/g, ' ').trim());
			const inputs = [...root.querySelectorAll('[data-test-id^=parameter-input-]')]
				.filter(visible)
				.map((el) => (el.getAttribute('data-test-id') ?? '').replace(/^parameter-input-/, ''))
				.filter((name) => name !== 'field' && name !== 'item');
			return { labels, notices, inputs };
		});
	}

	/** The choices an options parameter offers (opens its dropdown, reads it, closes it). */
	async optionsOf(parameter: string): Promise<OptionChoice[]> {
		await this.input(parameter).click();
		const items = this.openDropdownItems();
		await items.first().waitFor();
		const choices = await items.evaluateAll((els: DomElement[]) =>
			els.map((el) => ({
				name: (el.querySelector('.option-headline')?.textContent ?? el.textContent ?? '').trim(),
				description: (el.querySelector('.option-description')?.textContent ?? '').trim(),
			})),
		);
		await this.closeDropdown();
		return choices;
	}

	/** Picks a choice of an options parameter by the name the page shows. */
	async select(parameter: string, choice: string): Promise<void> {
		await this.input(parameter).click();
		const item = this.openDropdownItems().filter({
			has: this.page.locator('.option-headline', { hasText: new RegExp(`^\\s*${escapeRegExp(choice)}\\s*$`) }),
		});
		await item.first().click();
		await this.openDropdownItems().first().waitFor({ state: 'hidden' });
		const shown = await this.input(parameter).locator('input').inputValue();
		if (shown !== choice) throw new Error(`${parameter} shows "${shown}" after choosing "${choice}"`);
	}

	/** Flips a boolean parameter's switch; returns the new state the switch shows. */
	async toggle(parameter: string): Promise<boolean> {
		const switchEl = this.input(parameter).locator('.el-switch');
		await switchEl.click();
		return (await switchEl.locator('input[role=switch]').getAttribute('aria-checked')) === 'true';
	}

	async fill(parameter: string, value: string): Promise<void> {
		const field = this.input(parameter).locator('textarea, input').first();
		await field.fill(value);
		await field.blur();
	}

	/** Whether the page marks the parameter with an issue (the red warning icon). */
	async hasIssue(parameter: string): Promise<boolean> {
		return await this.input(parameter).locator('[data-test-id=parameter-issues]').isVisible();
	}

	input(parameter: string): Locator {
		return this.parameterList.locator(`[data-test-id="parameter-input-${parameter}"]`).first();
	}

	/** A collection (Options, Additional Fields) by the label the page shows. */
	collection(label: string): Locator {
		return this.parameterList.locator('.multi-parameter').filter({
			has: this.page.locator(':scope > [data-test-id=input-label]', {
				hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`),
			}),
		});
	}

	/**
	 * What a collection's add control offers. With several choices n8n shows an "Add …"
	 * dropdown (read and closed again); with a single one it shows a button that adds it at once
	 * (then the added field's label is the one choice, and the field is deleted again).
	 */
	async collectionChoices(label: string): Promise<{ kind: 'dropdown' | 'button'; placeholder: string; choices: string[] }> {
		const add = this.collection(label).locator('[data-test-id=collection-parameter-add]');
		const isButton = await add.evaluate((el: DomElement) => el.tagName === 'BUTTON');
		if (isButton) {
			const placeholder = (await add.innerText()).trim();
			const fieldsBefore = await this.collectionFields(label);
			await add.click();
			await this.page.waitForTimeout(300);
			const added = (await this.collectionFields(label)).filter((name) => !fieldsBefore.includes(name));
			for (const name of added) await this.removeFromCollection(label, name);
			return { kind: 'button', placeholder, choices: added };
		}
		const placeholder = (await add.locator('input').getAttribute('placeholder')) ?? '';
		await add.click();
		const items = this.page.locator('[data-test-id=collection-parameter-option]:visible');
		await items.first().waitFor();
		const choices = (await items.allInnerTexts()).map((text) => text.trim());
		await this.closeDropdown();
		return { kind: 'dropdown', placeholder, choices };
	}

	/** Labels of the fields added to a collection. */
	async collectionFields(label: string): Promise<string[]> {
		return await this.collection(label)
			.locator('[data-test-id=parameter-item] [data-test-id=input-label] label')
			.evaluateAll((labels: DomElement[]) => labels.map((l) => (l.querySelector('.n8n-text')?.textContent ?? '').trim()));
	}

	/** Deletes a field from a collection with its Delete button (shown on hover). */
	async removeFromCollection(label: string, field: string): Promise<void> {
		const item = this.collection(label)
			.locator('[data-test-id=parameter-item]')
			.filter({ has: this.page.locator('[data-test-id=input-label] label .n8n-text', { hasText: new RegExp(`^\\s*${escapeRegExp(field)}\\s*$`) }) })
			.first();
		await item.hover();
		await item.locator('button[title=Delete]').first().click();
		await item.waitFor({ state: 'detached' });
	}

	/** Adds an option of a collection by the name its "Add …" dropdown shows. */
	async addToCollection(label: string, option: string): Promise<void> {
		await this.collection(label).locator('[data-test-id=collection-parameter-add]').click();
		await this.page
			.locator('[data-test-id=collection-parameter-option]:visible', { hasText: new RegExp(`^\\s*${escapeRegExp(option)}\\s*$`) })
			.click();
		await this.page.locator('[data-test-id=collection-parameter-option]:visible').first().waitFor({ state: 'hidden' });
	}

	/** What the page shows for one parameter: its value and the hint under it. */
	async readParameter(name: string): Promise<{ value: string; text: string }> {
		const item = this.parameterList.locator('[data-test-id=parameter-item]').filter({ has: this.page.locator(`label[for="${name}"]`) }).last();
		const value = await this.input(name).locator('input, textarea').first().inputValue();
		const text = (await item.innerText()).replace(/\s+/g, ' ').trim();
		return { value, text };
	}

	/** The webhook URL the trigger's panel shows (expands "Webhook URLs", picks Test or Production). */
	async webhookUrl(kind: 'test' | 'production'): Promise<string> {
		const section = this.ndv.locator('.webhooks');
		const headline = section.locator('.headline');
		if (!(await headline.evaluate((el: DomElement) => el.classList.contains('expanded')))) await headline.click();
		await section.locator(`[data-test-id=radio-button-${kind}]`).click();
		return (await section.locator('.webhook-url').innerText()).trim();
	}

	/**
	 * A PNG of the node panel with its whole parameter list in view: the viewport grows by what
	 * the list would scroll (at most to maxHeight), the NDV is captured, the viewport is restored.
	 */
	async screenshotNdv(file: string, maxHeight = 2000): Promise<{ width: number; height: number }> {
		const original = this.page.viewportSize() ?? { width: 1280, height: 900 };
		await this.page.mouse.move(0, 0); // no hover tooltips in the picture
		await this.page.evaluate(() => {
			// no focus ring on the last input used
			const { document } = globalThis as unknown as { document: { activeElement: { blur?: () => void } | null } };
			document.activeElement?.blur?.();
		});
		const overflow = await this.ndv
			.locator('[data-test-id=node-parameters]')
			.evaluate((el: DomElement) => Math.max(0, el.scrollHeight - el.clientHeight));
		const height = Math.min(maxHeight, original.height + overflow + 8);
		try {
			if (height !== original.height) await this.page.setViewportSize({ width: original.width, height });
			await this.page.waitForTimeout(400); // the NDV re-lays out on resize
			await this.ndv.locator('[data-test-id=node-parameters]').evaluate((el: DomElement) => el.scrollTo(0, 0));
			const box = await this.ndv.boundingBox();
			if (!box) throw new Error('the node panel has no bounding box');
			await this.ndv.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
			return { width: Math.round(box.width), height: Math.round(box.height) };
		} finally {
			if (height !== original.height) await this.page.setViewportSize(original);
		}
	}

	private openDropdownItems(): Locator {
		return this.page.locator('.el-select-dropdown__item:visible');
	}

	/** Escape closes an open dropdown; the panel must stay open. */
	private async closeDropdown(): Promise<void> {
		await this.page.keyboard.press('Escape');
		await this.openDropdownItems().first().waitFor({ state: 'hidden' });
		if (!(await this.ndv.isVisible())) throw new Error('closing the dropdown closed the node panel');
	}
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

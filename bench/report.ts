/** The results table: one row per measured figure, with its target and verdict. */
export interface Row {
	scenario: string;
	metric: string;
	measured: string;
	/** Absent for figures reported for information only. */
	target?: string;
	pass?: boolean;
}

export interface Section {
	title: string;
	/** The settings the figures were measured with, printed under the table. */
	setup: string;
	rows: Row[];
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function verdict(row: Row): string {
	if (row.pass === undefined) return row.target ? '' : 'info';
	return row.pass ? 'PASS' : '**FAIL**';
}

export function markdownTable(sections: Section[]): string {
	const lines = ['| Scenario | Metric | Measured | Target | Result |', '|---|---|---|---|---|'];
	for (const section of sections) {
		section.rows.forEach((row, index) => {
			const scenario = index === 0 || row.scenario !== section.rows[index - 1].scenario ? row.scenario : '';
			lines.push(`| ${[scenario, row.metric, row.measured, row.target ?? '', verdict(row)].map(cell).join(' | ')} |`);
		});
	}
	return lines.join('\n');
}

export function setupNotes(sections: Section[]): string {
	return sections.map((section) => `- **${section.title}**: ${section.setup}`).join('\n');
}

export function failures(sections: Section[]): Row[] {
	return sections.flatMap((section) => section.rows.filter((row) => row.pass === false));
}

import { timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** Characters a URL cannot carry as typed: `#` ends the URL the server sees, spaces break it. */
const UNSENDABLE = /[#\s]/;

/** Why a Secret Token cannot work as pasted into a URL, or undefined when it can. */
export function tokenProblem(token: string, minLength: number): string | undefined {
	if (token.length < minLength) return `The Secret Token must be at least ${minLength} characters`;
	if (UNSENDABLE.test(token)) {
		return 'The Secret Token must not contain “#” or spaces: a URL cannot carry them as typed, so APIXO’s calls would never match';
	}
	return undefined;
}

/**
 * Whether the caller presented the token, however the user pasted it: percent-encoded (the
 * query value, decoded) or as typed, where `+`, `&` or `=` in the token change how the query
 * parses (so the raw query string is compared too).
 */
export function presentsToken(query: IDataObject, rawUrl: string | undefined, expected: string): boolean {
	const decoded = query.token;
	if (typeof decoded === 'string' && sameSecret(decoded, expected)) return true;
	const rawQuery = rawUrl?.split('?').slice(1).join('?') ?? '';
	for (const part of rawQuery.matchAll(/(?:^|&)token=/g)) {
		const rest = rawQuery.slice((part.index ?? 0) + part[0].length);
		for (const candidate of [rest, safeDecode(rest)]) {
			const presented = candidate.slice(0, expected.length);
			const next = candidate.charAt(expected.length);
			if ((next === '' || next === '&') && sameSecret(presented, expected)) return true;
		}
	}
	return false;
}

/** The callback URL's own query, less the token: a workflow's correlation fields. */
export function callerQuery(query: IDataObject): IDataObject | undefined {
	const rest = Object.fromEntries(Object.entries(query).filter(([key]) => key !== 'token'));
	return Object.keys(rest).length > 0 ? rest : undefined;
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text.replace(/\+/g, '%20'));
	} catch {
		return text;
	}
}

function sameSecret(presented: string, expected: string): boolean {
	const a = Buffer.from(presented);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

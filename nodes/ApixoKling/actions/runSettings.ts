import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { booleanFromText } from '../../shared/validate/fields';

const secondsValue = (min: number) =>
	z.number({ invalid_type_error: 'must be a number of seconds' }).min(min, `must be at least ${min} s`);
const toMs = (s: number) => s * 1000;
const seconds = (fallback: number, min: number) => secondsValue(min).default(fallback).transform(toMs);

/** A number option the user may leave out; n8n gives an emptied number field as null. */
const unsetOr = <T extends z.ZodTypeAny>(schema: T) =>
	z.preprocess((value) => (value === null || value === '' ? undefined : value), schema.optional());

const optionsSchema = z.object({
	/** Unset: each item's first read follows APIXO's latency table for its length. */
	firstPollDelay: unsetOr(secondsValue(0)).transform((s) => (s === undefined ? undefined : toMs(s))),
	pollInterval: seconds(10, 0.01),
	timeout: secondsValue(0.01).transform(toMs).optional(),
	requestTimeout: seconds(30, 0.1),
	download: z.boolean().default(true),
	binaryPropertyName: z.string().trim().min(1, 'must name a binary field, e.g. data').default('data'),
	maxConcurrency: z.number().int().min(1).max(100).default(10),
	maxCostUsd: z.number().min(0).default(0),
	/** Unset: adaptive up to APIXO's documented limit; 0 (saved workflows from before): unpaced. */
	maxRequestsPerSecond: unsetOr(z.number().min(0)),
	allowPrivateCallbackUrl: z.boolean().default(false),
	/** An expression may give "true" from a sheet; a dry run asked for must never pay. */
	dryRun: z.preprocess(booleanFromText, z.boolean({ invalid_type_error: 'must be true or false' })).default(false),
});

const DEFAULT_TIMEOUT_MS = 900_000;
/**
 * A callback can come late: APIXO retries a failed delivery after 30 s, 2 min and 10 min,
 * and renders can queue. Waiting costs nothing, so the default leaves room for all of it.
 */
const DEFAULT_RESUME_WAIT_MS = 3_600_000;

export const WAIT_MODES = ['poll', 'resume', 'callback', 'none'] as const;
export type WaitMode = (typeof WAIT_MODES)[number];

export interface RunSettings {
	waitMode: WaitMode;
	/** Unset: by APIXO's latency table for each task's length. */
	firstPollDelayMs?: number;
	pollIntervalMs: number;
	timeoutMs: number;
	/** Resume mode: how long the execution waits for callbacks. */
	resumeWaitMs: number;
	requestTimeoutMs: number;
	download: boolean;
	binaryPropertyName: string;
	maxConcurrency: number;
	maxCostUsd: number;
	/** Unset: adaptive pacing up to APIXO's documented limit; 0: unpaced. */
	maxRequestsPerSecond?: number;
	/** URLs APIXO must reach (callback, resume, media; and the probe) may be private: “Allow Private URLs”. */
	allowPrivateUrls: boolean;
	/** Validate and price every item, submit nothing: items come out as state "planned". */
	dryRun: boolean;
	/** Retries back off from the poll interval, so scaled-down tests retry quickly too. */
	retryBaseMs: number;
}

/** The node-wide settings of a run, read once and checked like every other input. */
export function readRunSettings(ctx: IExecuteFunctions): RunSettings {
	return runSettingsFrom((name, fallback) => ctx.getNodeParameter(name, 0, fallback), ctx.getNode());
}

/** Reads a node-level parameter; a webhook call reads parameters without an item. */
export type ParameterReader = (name: string, fallback: unknown) => unknown;

export function runSettingsFrom(read: ParameterReader, node: INode): RunSettings {
	const fail = (message: string) =>
		new NodeOperationError(node, message, {
			description: 'Fix the value and run again. Nothing was sent to APIXO.',
		});
	const resource = read('resource', 'video');
	const waitMode = z.enum(WAIT_MODES).safeParse(resource === 'video' ? read('waitMode', 'poll') : 'poll');
	if (!waitMode.success) throw fail(`Wait Mode must be one of ${WAIT_MODES.join(', ')}`);
	const options = optionsSchema.safeParse(read('options', {}));
	if (!options.success) {
		const issue = options.error.issues[0];
		throw fail(`Option “${issue.path.join('.')}” ${issue.message}`);
	}
	const o = options.data;
	return {
		waitMode: waitMode.data,
		firstPollDelayMs: o.firstPollDelay,
		pollIntervalMs: o.pollInterval,
		timeoutMs: o.timeout ?? DEFAULT_TIMEOUT_MS,
		resumeWaitMs: o.timeout ?? DEFAULT_RESUME_WAIT_MS,
		requestTimeoutMs: o.requestTimeout,
		download: o.download,
		binaryPropertyName: o.binaryPropertyName,
		maxConcurrency: o.maxConcurrency,
		maxCostUsd: o.maxCostUsd,
		maxRequestsPerSecond: o.maxRequestsPerSecond,
		allowPrivateUrls: o.allowPrivateCallbackUrl,
		dryRun: o.dryRun,
		retryBaseMs: Math.min(o.pollInterval, 2000),
	};
}

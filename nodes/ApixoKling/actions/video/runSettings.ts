import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

const seconds = (fallback: number, min: number) =>
	z.number({ invalid_type_error: 'must be a number of seconds' }).min(min).default(fallback).transform((s) => s * 1000);

const optionsSchema = z.object({
	firstPollDelay: seconds(60, 0),
	pollInterval: seconds(10, 0.01),
	timeout: seconds(900, 0.01),
	requestTimeout: seconds(30, 0.1),
	download: z.boolean().default(true),
	binaryPropertyName: z.string().trim().min(1, 'must name a binary field, e.g. data').default('data'),
	maxConcurrency: z.number().int().min(1).max(100).default(10),
	maxCostUsd: z.number().min(0).default(0),
	maxRequestsPerSecond: z.number().min(0).default(10),
});

export const WAIT_MODES = ['poll', 'none'] as const;

export interface RunSettings {
	waitMode: (typeof WAIT_MODES)[number];
	firstPollDelayMs: number;
	pollIntervalMs: number;
	timeoutMs: number;
	requestTimeoutMs: number;
	download: boolean;
	binaryPropertyName: string;
	maxConcurrency: number;
	maxCostUsd: number;
	maxRequestsPerSecond: number;
	/** Retries back off from the poll interval, so scaled-down tests retry quickly too. */
	retryBaseMs: number;
}

/** The node-wide settings of a video run, read once and checked like every other input. */
export function readRunSettings(ctx: IExecuteFunctions): RunSettings {
	const waitMode = z.enum(WAIT_MODES).safeParse(ctx.getNodeParameter('waitMode', 0, 'poll'));
	const options = optionsSchema.safeParse(ctx.getNodeParameter('options', 0, {}));
	if (!waitMode.success) {
		throw new NodeOperationError(ctx.getNode(), `Wait Mode must be one of ${WAIT_MODES.join(', ')}`);
	}
	if (!options.success) {
		const issue = options.error.issues[0];
		throw new NodeOperationError(ctx.getNode(), `Option “${issue.path.join('.')}” ${issue.message}`, {
			description: 'Fix the value under Options and run again. Nothing was sent to APIXO.',
		});
	}
	const o = options.data;
	return {
		waitMode: waitMode.data,
		firstPollDelayMs: o.firstPollDelay,
		pollIntervalMs: o.pollInterval,
		timeoutMs: o.timeout,
		requestTimeoutMs: o.requestTimeout,
		download: o.download,
		binaryPropertyName: o.binaryPropertyName,
		maxConcurrency: o.maxConcurrency,
		maxCostUsd: o.maxCostUsd,
		maxRequestsPerSecond: o.maxRequestsPerSecond,
		retryBaseMs: Math.min(o.pollInterval, 2000),
	};
}

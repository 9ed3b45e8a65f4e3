import type { ApiInput } from '../api/schemas';

/** APIXO's price table for kling-3-0-std, in USD per generated second. */
export const PRICE_PER_SECOND = { silent: 0.084, withSound: 0.13, motionControl: 0.13 } as const;

/** Motion control bills the reference video's length, at least 3 s; APIXO rejects over 30 s. */
export const MOTION_CONTROL_MIN_SECONDS = 3;
export const MOTION_CONTROL_MAX_SECONDS = 30;

export interface CostEstimate {
	billedSeconds: number;
	estimatedCostUsd: number;
}

export function pricePerSecond(input: Pick<ApiInput, 'mode' | 'sound'>): number {
	if (input.mode === 'motion-control') return PRICE_PER_SECOND.motionControl;
	return input.sound ? PRICE_PER_SECOND.withSound : PRICE_PER_SECOND.silent;
}

/**
 * The cost of one task. Motion control's billed length is the reference video's: without its
 * measured length the estimate is the worst case (30 s), so a cost cap never lets through
 * more than it promised.
 */
export function estimateCost(input: ApiInput, motionVideoSeconds?: number): CostEstimate {
	const billedSeconds =
		input.mode === 'motion-control'
			? Math.max(MOTION_CONTROL_MIN_SECONDS, wholeSecondsUp(motionVideoSeconds ?? MOTION_CONTROL_MAX_SECONDS))
			: (input.duration ?? 5);
	return { billedSeconds, estimatedCostUsd: roundUsd(billedSeconds * pricePerSecond(input)) };
}

/** Billing counts whole seconds: 10.2 s is 11. The epsilon keeps 12.000000001 (float noise) at 12. */
function wholeSecondsUp(seconds: number): number {
	return Math.ceil(seconds - 1e-6);
}

export function roundUsd(usd: number): number {
	return Math.round(usd * 10_000) / 10_000;
}

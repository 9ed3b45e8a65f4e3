/**
 * When to read a task first, when the user left First Poll Delay unset: when APIXO's latency
 * table says a video of that length starts to be ready (3–5 s: 60–90 s, 6–10 s: 90–120 s,
 * 11–15 s: 120–180 s). Reading earlier only costs requests; later reads follow the Poll Interval.
 */
export function firstReadDelayMs(videoSeconds: number | undefined): number {
	if (videoSeconds === undefined || videoSeconds <= 5) return 60_000;
	if (videoSeconds <= 10) return 90_000;
	// Motion control bills the reference length, up to 30 s: the table's longest row is the closest.
	return 120_000;
}

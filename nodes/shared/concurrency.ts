/** Runs `work` over `inputs` with at most `limit` in flight; results keep the input order. */
export async function mapWithConcurrency<Input, Output>(
	inputs: readonly Input[],
	limit: number,
	work: (input: Input, index: number) => Promise<Output>,
): Promise<Output[]> {
	const results = new Array<Output>(inputs.length);
	let next = 0;
	const worker = async () => {
		while (next < inputs.length) {
			const index = next++;
			results[index] = await work(inputs[index], index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(limit, inputs.length)) }, worker);
	await Promise.all(workers);
	return results;
}

/** At most `limit` runs of work at once, across every caller that shares this limit. */
export class ConcurrencyLimit {
	private active = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(private readonly limit: number) {}

	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
		else this.active++;
		try {
			return await work();
		} finally {
			// The slot passes straight to the next in line, so `active` never overshoots.
			const next = this.waiting.shift();
			if (next) next();
			else this.active--;
		}
	}
}

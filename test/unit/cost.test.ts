import { estimateCost, pricePerSecond } from '../../nodes/shared/cost/price';

describe('cost from the reference price table', () => {
	it('bills silent text and image video at $0.084/s', () => {
		expect(estimateCost({ mode: 'text-to-video', duration: 5, sound: false })).toEqual({
			billedSeconds: 5,
			estimatedCostUsd: 0.42,
		});
		expect(estimateCost({ mode: 'image-to-video', duration: 15, sound: false }).estimatedCostUsd).toBe(1.26);
	});

	it('bills video with sound at $0.13/s', () => {
		expect(estimateCost({ mode: 'text-to-video', duration: 10, sound: true })).toEqual({
			billedSeconds: 10,
			estimatedCostUsd: 1.3,
		});
	});

	it('bills motion control at $0.13/s whatever the sound, at least 3 s', () => {
		expect(pricePerSecond({ mode: 'motion-control', sound: false })).toBe(0.13);
		expect(estimateCost({ mode: 'motion-control', sound: false }, 2).billedSeconds).toBe(3);
		expect(estimateCost({ mode: 'motion-control', sound: true }, 12).estimatedCostUsd).toBe(1.56);
	});

	it('assumes the 30 s worst case for motion control when the reference length is unknown', () => {
		expect(estimateCost({ mode: 'motion-control', sound: false })).toEqual({
			billedSeconds: 30,
			estimatedCostUsd: 3.9,
		});
	});
});

import type { IDataObject } from 'n8n-workflow';

import type { FakeApixo } from '../fake-apixo';
import { errorText, klingOutput, runKling, startFake, textToVideo } from '../support/kling';

let fake: FakeApixo;
beforeAll(async () => (fake = await startFake()));
afterAll(async () => await fake.close());
beforeEach(() => fake.stats.lastSubmitBodies.splice(0));

const imageToVideo = (extra: IDataObject): IDataObject => ({
	resource: 'video',
	operation: 'imageToVideo',
	prompt: 'wave',
	startImageUrl: 'https://example.com/start.png',
	...extra,
});
const motionControl = (extra: IDataObject): IDataObject => ({
	resource: 'video',
	operation: 'motionControl',
	imageUrl: 'https://example.com/character.png',
	videoUrl: 'https://example.com/motion.mp4',
	...extra,
});
const shots = (...durations: number[]) => ({
	shots: { shot: durations.map((duration, i) => ({ prompt: `shot ${i + 1}`, duration })) },
});

/** n8n itself flags a required field left empty in the panel; an expression that yields nothing
 * (an empty sheet cell) reaches the node's own validation. */
const EMPTY = '={{ $json.missing ?? "" }}';

describe('every item is checked before anything is paid for', () => {
	it.each<[string, IDataObject, RegExp]>([
		['an empty prompt', textToVideo({ prompt: '  ' }), /Prompt is required/],
		['a duration under 3 s', textToVideo({ duration: 2 }), /Duration must be at least 3 seconds \(allowed: 3 to 15\)/],
		['a duration over 15 s', textToVideo({ duration: 16 }), /Duration must be at most 15 seconds/],
		['a fractional duration', textToVideo({ duration: 5.5 }), /Duration must be a whole number of seconds from 3 to 15/],
		['a duration that is not a number', textToVideo({ duration: '={{ "five" }}' }), /Duration must be a whole number/],
		['an unknown aspect ratio', textToVideo({ aspectRatio: '4:3' }), /Aspect Ratio must be one of 16:9, 9:16 or 1:1/],
		['a CFG scale over 1', textToVideo({ additionalFields: { cfgScale: 1.5 } }), /CFG Scale must be from 0 to 1/],
		['shots that do not add up', textToVideo({ duration: 5, additionalFields: shots(2, 2) }), /Shots add up to 4 s but Duration is 5 s/],
		['a shot without a prompt', textToVideo({ duration: 5, additionalFields: { shots: { shot: [{ prompt: '', duration: 5 }] } } }), /Shots #1 Prompt is required/],
		['a missing start image', imageToVideo({ startImageUrl: EMPTY }), /Start Image URL is required/],
		['a start image that is not a URL', imageToVideo({ startImageUrl: 'start.png' }), /Start Image URL is not a URL/],
		['an ftp image URL', imageToVideo({ startImageUrl: 'ftp://example.com/a.png' }), /must start with https:\/\//],
		['a GIF end frame', imageToVideo({ endImageUrl: 'https://example.com/end.gif' }), /End Image URL points at a \.gif file: use a public http\(s\) URL of a JPG, JPEG, PNG image/],
		['an image-to-video prompt left empty', imageToVideo({ prompt: EMPTY }), /Prompt is required/],
		['a missing motion video', motionControl({ videoUrl: EMPTY }), /Motion Video URL is required/],
		['a WebM motion video', motionControl({ videoUrl: 'https://example.com/motion.webm' }), /Motion Video URL points at a \.webm file: use a public http\(s\) URL of a MP4, MOV, M4V video/],
		['a missing character image', motionControl({ imageUrl: EMPTY }), /Character Image URL is required/],
		['an unknown orientation', motionControl({ characterOrientation: 'sideways' }), /Character Orientation must be "video" or "image"/],
	])('refuses %s with the field, the allowed values and no submit', async (_, parameters, message) => {
		const result = await runKling(fake, { parameters });
		expect(result.status).toBe('error');
		expect(errorText(result)).toMatch(message);
		expect(errorText(result)).toMatch(/^Item 1: /);
		expect(errorText(result)).toMatch(/Nothing was sent to APIXO/);
		expect(fake.stats.lastSubmitBodies).toHaveLength(0);
	});

	it('names the bad item of a batch and submits none of the good ones', async () => {
		const result = await runKling(fake, {
			parameters: textToVideo({ duration: '={{ $json.duration }}' }),
			items: [{ duration: 5 }, { duration: 6 }, { duration: 40 }],
		});
		expect(errorText(result)).toMatch(/^Item 3: Duration must be at most 15 seconds/);
		expect(fake.stats.lastSubmitBodies).toHaveLength(0);
	});

	it('takes numbers and booleans that arrive as text from a sheet', async () => {
		const result = await runKling(fake, {
			parameters: textToVideo({ duration: '={{ $json.duration }}', sound: '={{ $json.sound }}', options: { download: false } }),
			items: [{ duration: '7', sound: 'true' }],
		});
		expect(result.status).toBe('success');
		expect((fake.stats.lastSubmitBodies[0] as { input: IDataObject }).input).toMatchObject({ duration: 7, sound: true });
	});

	it.each<[string, IDataObject]>([
		['TRUE', { sound: true }],
		['FALSE', { sound: false }],
		['Yes', { sound: true }],
		['no', { sound: false }],
		['1', { sound: true }],
		['0', { sound: false }],
	])('reads the sheet boolean %s', async (text, expected) => {
		const result = await runKling(fake, {
			parameters: textToVideo({ sound: '={{ $json.sound }}', options: { download: false } }),
			items: [{ sound: text }],
		});
		expect(result.status).toBe('success');
		expect((fake.stats.lastSubmitBodies[0] as { input: IDataObject }).input).toMatchObject(expected);
	});

	it('trims and case-folds choices, and takes a prompt that is a number', async () => {
		const result = await runKling(fake, {
			parameters: textToVideo({ prompt: '={{ $json.prompt }}', aspectRatio: '={{ $json.ratio }}', options: { download: false } }),
			items: [{ prompt: 1984, ratio: ' 9:16 ' }],
		});
		expect(result.status).toBe('success');
		expect((fake.stats.lastSubmitBodies[0] as { input: IDataObject }).input).toMatchObject({ prompt: '1984', aspect_ratio: '9:16' });
		const motion = await runKling(fake, {
			parameters: motionControl({ characterOrientation: '={{ "Image " }}', options: { download: false } }),
		});
		expect(motion.status).toBe('success');
		expect((fake.stats.lastSubmitBodies[1] as { input: IDataObject }).input).toMatchObject({ character_orientation: 'image' });
	});

	it.each([
		['a script', 'https://example.com/render.php?id=7'],
		['an ASP.NET page', 'https://example.com/image.aspx'],
		['no extension', 'https://example.com/images/7'],
	])('passes an image URL of %s to APIXO', async (_, startImageUrl) => {
		const result = await runKling(fake, { parameters: imageToVideo({ startImageUrl, options: { download: false } }) });
		expect(result.status).toBe('success');
	});

	it.each([['.txt'], ['.html']])('refuses an image URL ending in %s, which is surely not an image', async (extension) => {
		const result = await runKling(fake, { parameters: imageToVideo({ startImageUrl: `https://example.com/a${extension}` }) });
		expect(errorText(result)).toMatch(/Start Image URL points at a \.(txt|html) file/);
		expect(fake.stats.lastSubmitBodies).toHaveLength(0);
	});

	it('under Continue On Fail, turns bad items into error items and still makes the good ones', async () => {
		const result = await runKling(fake, {
			parameters: textToVideo({ duration: '={{ $json.duration }}', options: { download: false } }),
			items: [{ duration: 20 }, { duration: 5 }],
			continueOnFail: true,
		});
		const items = klingOutput(result);
		expect(items).toHaveLength(2);
		expect(items[0].json).toMatchObject({ state: 'invalid', taskId: null });
		expect(items[0].json.error).toMatch(/Duration must be at most 15 seconds/);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[1].json).toMatchObject({ state: 'success' });
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(fake.stats.lastSubmitBodies).toHaveLength(1);
	});
});

describe('Max Cost stops a run before it submits anything', () => {
	it('refuses a batch whose estimate is over the cap', async () => {
		const result = await runKling(fake, {
			parameters: textToVideo({ duration: 10, sound: true, options: { maxCostUsd: 2 } }),
			items: [{}, {}],
		});
		expect(result.status).toBe('error');
		expect(errorText(result)).toMatch(/Estimated cost \$2\.60 is over Max Cost \$2\.00/);
		expect(errorText(result)).toMatch(/Nothing was submitted/);
		expect(fake.stats.lastSubmitBodies).toHaveLength(0);
	});

	it('lets a batch under the cap through', async () => {
		const result = await runKling(fake, {
			parameters: textToVideo({ duration: 10, sound: true, options: { maxCostUsd: 2.6, download: false } }),
			items: [{}, {}],
		});
		expect(result.status).toBe('success');
		expect(fake.stats.lastSubmitBodies).toHaveLength(2);
	});

	it('counts motion control at its 30 s worst case', async () => {
		const result = await runKling(fake, {
			parameters: motionControl({ options: { maxCostUsd: 3 } }),
		});
		expect(errorText(result)).toMatch(/Estimated cost \$3\.90 is over Max Cost \$3\.00/);
	});
});

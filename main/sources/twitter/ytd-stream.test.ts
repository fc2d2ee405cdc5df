import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseWrappedObject, readYtd, YtdFormatError, type YtdItem } from './ytd-stream.js';

async function all(input: Iterable<string | Buffer>, maxElementChars?: number): Promise<YtdItem[]> {
  const out: YtdItem[] = [];
  for await (const it of readYtd(input, { maxElementChars })) out.push(it);
  return out;
}

/** Cut a string into chunks at the given sizes (cycling), as a stream would. */
function chunks(s: string | Buffer, sizes: number[]): Buffer[] {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  const out: Buffer[] = [];
  for (let i = 0, k = 0; i < b.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]!);
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

describe('readYtd', () => {
  it('yields each element of a window.YTD wrapper', async () => {
    const items = await all(['window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1"}}, {"tweet": {"id_str": "2", "t": "a ] } , \\" b"}} ]']);
    expect(items).toEqual([
      { index: 0, value: { tweet: { id_str: '1' } } },
      { index: 1, value: { tweet: { id_str: '2', t: 'a ] } , " b' } } },
    ]);
  });

  it('gives the same elements however the bytes are chunked, including split UTF-8 and escapes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }), async (values, sizes) => {
        const text = `window.YTD.x.part3 = ${JSON.stringify(values, null, 1)};\n`;
        const items = await all(chunks(text, sizes));
        expect(items.map((i) => ('value' in i ? i.value : i))).toEqual(JSON.parse(JSON.stringify(values)));
      }),
      { numRuns: 200 },
    );
  });

  it('reports a malformed element with its index and reads the rest', async () => {
    const items = await all(['window.YTD.like.part0 = [ {"like": {"tweetId": "1"}}, {"like": {"tweetId": 2,,}}, {"like": {"tweetId": "3"}} ]']);
    expect(items[0]).toEqual({ index: 0, value: { like: { tweetId: '1' } } });
    expect(items[1]).toMatchObject({ index: 1, error: expect.stringMatching(/malformed JSON/) });
    expect(items[2]).toEqual({ index: 2, value: { like: { tweetId: '3' } } });
  });

  it('finds the elements after a broken quote again (they are not swallowed to the end of the file)', async () => {
    const text = `window.YTD.tweets.part0 = [ {"tweet": {"id": "1"}}, {"tweet": {"id": "2, "m": [{"id": "9"}, {"id": "8"}]}}, {"tweet": {"id": "3"}}, {"tweet": {"id": "4"}} ]`;
    const items = await all(chunks(text, [7]));
    const values = items.filter((i) => 'value' in i).map((i) => (i as { value: { tweet: { id: string } } }).value.tweet.id);
    expect(values).toEqual(['1', '3', '4']);
    const errors = items.filter((i) => 'error' in i);
    // One report for the broken element; the objects nested in it are not taken for elements.
    expect(errors).toEqual([expect.objectContaining({ error: expect.stringMatching(/malformed JSON/) })]);
  });

  it('finds the elements after an unbalanced bracket again', async () => {
    const items = await all(['window.YTD.like.part0 = [ {"like": {"tweetId": "1"}}, {"like": {"tweetId": ["2"}}, {"like": {"tweetId": "3"}} ]']);
    expect(items.filter((i) => 'value' in i).map((i) => (i as { value: { like: { tweetId: string } } }).value.like.tweetId)).toEqual(['1', '3']);
    expect(items.filter((i) => 'error' in i)).toHaveLength(1);
  });

  it('reports a truncated file after the elements it could read', async () => {
    const items = await all(['window.YTD.like.part0 = [ {"a": 1}, {"b": [1, 2']);
    expect(items).toEqual([{ index: 0, value: { a: 1 } }, { index: 1, error: expect.stringMatching(/truncated/) }]);
  });

  it('skips and reports an element over the size limit, then carries on', async () => {
    const big = JSON.stringify({ t: 'x'.repeat(5000) });
    const items = await all(chunks(`window.YTD.a.part0 = [${big}, {"ok": true}]`, [100]), 1000);
    expect(items[0]).toMatchObject({ index: 0, error: expect.stringMatching(/larger than 1000/) });
    expect(items[1]).toEqual({ index: 1, value: { ok: true } });
  });

  it('never evaluates the wrapper: code before "=" is only skipped text', async () => {
    (globalThis as Record<string, unknown>).pwned = false;
    // The first "=" starts the value, so " true; window..." is not an array: refused, not run.
    await expect(all(['globalThis.pwned = true; window.YTD.x = [1]'])).rejects.toThrow(YtdFormatError);
    expect((globalThis as Record<string, unknown>).pwned).toBe(false);
  });

  it('refuses a file that is not a wrapper, and accepts a bare array', async () => {
    await expect(all(['hello'])).rejects.toThrow(/no "=" found/);
    expect(await all(['  [ {"a": 1} ]'])).toEqual([{ index: 0, value: { a: 1 } }]);
  });

  it('reports text after the closing bracket', async () => {
    const items = await all(['window.YTD.x = [ {"a":1} ]; alert(1)']);
    expect(items[1]).toMatchObject({ error: expect.stringMatching(/after the closing/) });
  });

  it('parses a wrapped object (manifest.js) without eval', () => {
    expect(parseWrappedObject('window.__THAR_CONFIG = {"a": [1]};')).toEqual({ a: [1] });
    expect(() => parseWrappedObject('no equals')).toThrow(YtdFormatError);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { looksLikeMbox, splitMbox, unquoteFrom } from './mbox-split.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-mbox-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string | Buffer): string {
  const p = join(dir, `f${n++}.mbox`);
  writeFileSync(p, content);
  return p;
}
async function all(path: string, opts: Parameters<typeof splitMbox>[1] = {}) {
  const out = [];
  for await (const m of splitMbox(path, opts)) out.push(m);
  return out;
}

describe('splitMbox', () => {
  it('splits LF and CRLF files and removes the separator and the trailing blank line', async () => {
    for (const nl of ['\n', '\r\n']) {
      const text = ['From a@x Mon Jan  5 10:00:00 2026', 'Subject: one', '', 'body 1', '', 'From b@x Mon Jan  5 11:00:00 2026', 'Subject: two', '', 'body 2', ''].join(nl);
      const msgs = await all(file(text));
      expect(msgs.map((m) => m.data.toString())).toEqual([`Subject: one${nl}${nl}body 1${nl}`, `Subject: two${nl}${nl}body 2`]);
      expect(msgs[1]!.envelope).toBe('From b@x Mon Jan  5 11:00:00 2026');
      expect(msgs[0]!.offset).toBe(0);
      expect(msgs[1]!.offset).toBe(text.indexOf('From b@x'));
      expect(msgs[0]!.end).toBe(msgs[1]!.offset);
    }
  });

  it('unquotes mboxrd >From lines by one level', async () => {
    const msgs = await all(file('From a@x Mon Jan  5 10:00:00 2026\nSubject: q\n\n>From here\n>>From there\n> From not me\n'));
    expect(msgs[0]!.data.toString()).toBe('Subject: q\n\nFrom here\n>From there\n> From not me');
    expect(unquoteFrom(Buffer.from('x\n>From y')).toString()).toBe('x\nFrom y');
  });

  it('does not split on an unquoted "From " body line that follows text (mboxo)', async () => {
    const msgs = await all(file('From a@x Mon Jan  5 10:00:00 2026\nSubject: q\n\nI said\nFrom me to you\n\nFrom b@x Mon Jan  5 11:00:00 2026\nSubject: r\n\nx\n'));
    expect(msgs).toHaveLength(2);
    expect(msgs[0]!.data.toString()).toContain('From me to you');
  });

  it('finds every separator whatever the chunk size (separators cut across chunks)', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => `Subject: m${i}\r\n\r\n${'line\r\n'.repeat(i)}`);
    const text = bodies.map((b, i) => `From s${i}@x Mon Jan  5 10:00:00 2026\r\n${b}\r\n`).join('');
    const p = file(text);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 200 }), async (hwm) => {
        const msgs = await all(p, { highWaterMark: hwm });
        expect(msgs.map((m) => m.data.toString())).toEqual(bodies);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps only the head of a message over the limit, and carries on with the next', async () => {
    const big = `From a@x Mon Jan  5 10:00:00 2026\nSubject: big\n\n${'A'.repeat(200_000)}\n\nFrom b@x Mon Jan  5 11:00:00 2026\nSubject: small\n\nok\n`;
    const msgs = await all(file(big), { maxMessageBytes: 50_000, headBytes: 1000, highWaterMark: 4096 });
    expect(msgs).toHaveLength(2);
    expect(msgs[0]!.truncated).toBe(true);
    expect(msgs[0]!.data.length).toBeLessThanOrEqual(1000);
    expect(msgs[0]!.data.toString()).toMatch(/^Subject: big\n\nAAA/);
    expect(msgs[0]!.size).toBeGreaterThan(200_000);
    expect(msgs[1]!.truncated).toBe(false);
    expect(msgs[1]!.data.toString()).toBe('Subject: small\n\nok');
  });

  it('resumes from a byte offset', async () => {
    const text = 'From a@x Mon Jan  5 10:00:00 2026\nSubject: 1\n\nx\n\nFrom b@x Mon Jan  5 11:00:00 2026\nSubject: 2\n\ny\n';
    const p = file(text);
    const first = await all(p);
    const resumed = await all(p, { start: first[1]!.offset });
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.data.toString()).toBe('Subject: 2\n\ny');
    expect(resumed[0]!.offset).toBe(first[1]!.offset);
  });

  it('splits on real envelope lines even without a blank line before them (Takeout)', async () => {
    const text = 'From 1780000000000000001@xxx Mon Jan 05 10:00:00 +0000 2026\r\nSubject: 1\r\n\r\nx\r\nFrom 1780000000000000002@xxx Mon Jan 05 11:00:00 +0000 2026\r\nSubject: 2\r\n\r\ny\r\n';
    const msgs = await all(file(text));
    expect(msgs.map((m) => m.data.toString())).toEqual(['Subject: 1\r\n\r\nx', 'Subject: 2\r\n\r\ny']);
  });

  it('skips junk before the first separator', async () => {
    const msgs = await all(file('garbage line\n\nFrom a@x Mon Jan  5 10:00:00 2026\nSubject: 1\n\nx\n'));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.data.toString()).toBe('Subject: 1\n\nx');
  });

  it('detects an mbox by its first line', () => {
    expect(looksLikeMbox(Buffer.from('From a@x Mon Jan  5 10:00:00 2026\r\nX: y'))).toBe(true);
    expect(looksLikeMbox(Buffer.from('From: someone@example.org\n'))).toBe(false);
    expect(looksLikeMbox(Buffer.from('<?xml version="1.0"?>'))).toBe(false);
  });
});

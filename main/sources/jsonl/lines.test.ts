import { describe, expect, it } from 'vitest';
import { splitLines, type Line } from './lines.js';

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
}

async function collect(src: AsyncIterable<Uint8Array>, max?: number): Promise<Line[]> {
  const out: Line[] = [];
  for await (const l of splitLines(src, max ? { maxLineBytes: max } : {})) out.push(l);
  return out;
}

describe('splitLines', () => {
  it('numbers lines across chunk boundaries, with CRLF and a missing final newline', async () => {
    const lines = await collect(chunks('ab', 'c\r\nde', 'f\n\nlast'));
    expect(lines).toEqual([
      { no: 1, text: 'abc' },
      { no: 2, text: 'def' },
      { no: 3, text: '' },
      { no: 4, text: 'last' },
    ]);
  });

  it('keeps multi-byte characters split between chunks intact', async () => {
    const bytes = Buffer.from('Zoë ✓\n', 'utf8');
    const lines = await collect(chunks(bytes.subarray(0, 3), bytes.subarray(3, 6), bytes.subarray(6)));
    expect(lines).toEqual([{ no: 1, text: 'Zoë ✓' }]);
  });

  it('reports invalid UTF-8 on its line and goes on', async () => {
    const lines = await collect(chunks(Buffer.from([0x61, 0xff, 0x62, 0x0a]), 'ok\n'));
    expect(lines[0]).toEqual({ no: 1, error: 'line is not valid UTF-8' });
    expect(lines[1]).toEqual({ no: 2, text: 'ok' });
  });

  it('skips an over-long line without buffering it, and reports it', async () => {
    const long = 'x'.repeat(5000);
    const lines = await collect(chunks('short\n', long.slice(0, 2500), long.slice(2500), '\nafter\n'), 1000);
    expect(lines).toEqual([
      { no: 1, text: 'short' },
      { no: 2, error: 'line is longer than 1000 bytes; skipped' },
      { no: 3, text: 'after' },
    ]);
  });

  it('does not depend on the stream reusing its chunk buffers', async () => {
    const shared = Buffer.alloc(4);
    async function* reuse(): AsyncGenerator<Uint8Array> {
      for (const s of ['ab', 'cd', '\nef']) {
        shared.fill(0);
        shared.write(s);
        yield shared.subarray(0, s.length);
      }
    }
    expect(await collect(reuse())).toEqual([
      { no: 1, text: 'abcd' },
      { no: 2, text: 'ef' },
    ]);
  });
});

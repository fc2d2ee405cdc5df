// Streaming line splitter for hostile input: yields each line of a byte stream with its number,
// never buffering more than `maxLineBytes` of one line (a longer line is skipped and reported),
// and decoding strictly as UTF-8 (an invalid line is reported, not mangled).

export type Line = { no: number; text: string } | { no: number; error: string };

export interface LineOptions {
  maxLineBytes?: number;
}

const NL = 0x0a;

export async function* splitLines(source: AsyncIterable<Uint8Array>, options: LineOptions = {}): AsyncGenerator<Line> {
  const max = options.maxLineBytes ?? 16 * 1024 * 1024;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let parts: Uint8Array[] = [];
  let size = 0;
  let overflow = false;
  let no = 0;

  const finish = (): Line => {
    no++;
    if (overflow) {
      overflow = false;
      parts = [];
      size = 0;
      return { no, error: `line is longer than ${max} bytes; skipped` };
    }
    const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    parts = [];
    size = 0;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--; // CRLF files
    try {
      return { no, text: decoder.decode(buf.subarray(0, end)) };
    } catch {
      return { no, error: 'line is not valid UTF-8' };
    }
  };

  for await (const chunk of source) {
    let start = 0;
    let fromThisChunk = parts.length;
    for (;;) {
      const nl = chunk.indexOf(NL, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!overflow) {
        if (size + (end - start) > max) overflow = true;
        else if (end > start) {
          parts.push(chunk.subarray(start, end));
          size += end - start;
        }
      }
      if (nl === -1) break;
      yield finish();
      fromThisChunk = 0;
      start = nl + 1;
    }
    // Copy the unfinished line's bytes from this chunk: the stream may reuse its buffer.
    // (Uint8Array.prototype.slice copies; Buffer#slice would only make a view.)
    for (let i = fromThisChunk; i < parts.length; i++) parts[i] = Uint8Array.prototype.slice.call(parts[i]!);
  }
  if (size > 0 || overflow) yield finish();
}

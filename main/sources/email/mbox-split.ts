// Split an mbox file into messages while streaming it, so a 1 GB Takeout mbox never sits in
// memory: at most one message (bounded by maxMessageBytes) plus one read chunk is held.
//
// Separator lines start with `From ` (mboxo/mboxrd). Bodies written by mboxrd writers quote
// `From ` as `>From `, `>>From ` ...; we remove one level. To survive mboxo files whose bodies
// carry an unquoted `From ` line, a separator must follow a blank line (or start the file) or
// look like a real envelope line (`From sender Www Mmm dd ...`). CRLF (Takeout) and LF both work.
import { createReadStream } from 'node:fs';

export interface RawMessage {
  /** 1-based index in the file. */
  index: number;
  /** Byte offset of the separator line; resuming at this offset re-reads this message. */
  offset: number;
  /** Byte offset just past this message: where the next separator starts. */
  end: number;
  /** The message bytes (without the separator line), `>From` unquoted. For a huge message: its head only. */
  data: Buffer;
  /** The whole message's size in bytes, as stored in the file. */
  size: number;
  /** True when the message exceeded maxMessageBytes: `data` holds only its first bytes. */
  truncated: boolean;
  /** The envelope line (`From sender date`), without its line end. */
  envelope: string;
}

export interface SplitOptions {
  /** Start at this byte offset (a separator line), to resume. */
  start?: number;
  maxMessageBytes?: number;
  /** How much of a too-large message to keep, so its headers can still be read. */
  headBytes?: number;
  highWaterMark?: number;
  signal?: AbortSignal;
  onBytes?: (position: number) => void;
}

const FROM = Buffer.from('From ');
const NL_FROM = Buffer.from('\nFrom ');
const ENVELOPE = /^From \S+\s+(?:\w{3},?\s+)?\w{3}\s+\w{3}\s+\d{1,2}\s|^From \S+\s+.*\d{4}\s*$/;
/** Separator lines longer than this are not separators; bounds what we carry between chunks. */
const MAX_SEPARATOR = 1024;

/** True when `buf` starts with an mbox `From ` line (used by importer detection). */
export function looksLikeMbox(head: Buffer): boolean {
  if (head.length < 5 || !head.subarray(0, 5).equals(FROM)) return false;
  const nl = head.indexOf(10);
  const line = head.subarray(0, nl < 0 ? Math.min(head.length, MAX_SEPARATOR) : nl).toString('latin1').replace(/\r$/, '');
  return /^From \S+/.test(line);
}

/** Undo mboxrd quoting: one `>` is removed from lines matching `^>+From `. Works on bytes. */
export function unquoteFrom(data: Buffer): Buffer {
  if (data.indexOf('>From ') < 0) return data;
  const s = data.toString('latin1').replace(/^>(>*From )/gm, '$1');
  return Buffer.from(s, 'latin1');
}

/** Drop the line end that mbox writers add before the next separator. */
function trimTrailingNewline(b: Buffer): Buffer {
  let n = b.length;
  if (n > 0 && b[n - 1] === 10) n--;
  if (n > 0 && b[n - 1] === 13) n--;
  return n === b.length ? b : b.subarray(0, n);
}

class MessageAccumulator {
  private parts: Buffer[] = [];
  private kept = 0;
  size = 0;
  truncated = false;

  constructor(
    private readonly max: number,
    private readonly head: number,
  ) {}

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.size += b.length;
    if (this.truncated) return;
    if (this.size > this.max) {
      // Too large: keep only the head (for the headers) and drop the rest as it streams by.
      this.truncated = true;
      const room = Math.max(0, this.head - this.kept);
      if (room > 0) {
        this.parts.push(Buffer.from(b.subarray(0, room)));
        this.kept += Math.min(room, b.length);
      }
      this.parts = [Buffer.concat(this.parts).subarray(0, this.head)];
      return;
    }
    // A view, not a copy: it pins its read chunk only until take() concatenates the message.
    this.parts.push(b);
    this.kept += b.length;
  }

  take(): { data: Buffer; size: number; truncated: boolean } {
    const data = Buffer.concat(this.parts);
    const r = { data, size: this.size, truncated: this.truncated };
    this.parts = [];
    this.kept = 0;
    this.size = 0;
    this.truncated = false;
    return r;
  }
}

/**
 * Stream the messages of an mbox file. The generator pauses the file stream while the consumer
 * works on a message (backpressure), so memory stays flat whatever the file size.
 */
export async function* splitMbox(path: string, opts: SplitOptions = {}): AsyncGenerator<RawMessage> {
  const max = opts.maxMessageBytes ?? 32 * 1024 * 1024;
  const headBytes = Math.min(opts.headBytes ?? 256 * 1024, max);
  const start = opts.start ?? 0;
  const stream = createReadStream(path, { start, highWaterMark: opts.highWaterMark ?? 256 * 1024 });
  const acc = new MessageAccumulator(max, headBytes);

  let index = 0;
  let carry: Buffer = Buffer.alloc(0);
  let carryPos = start; // file offset of carry[0]
  let before: Buffer = Buffer.from('\n\n'); // the bytes just before carry (the file start counts as after a blank line)
  let current: { offset: number; envelope: string } | null = null;
  let pending: RawMessage[] = [];

  const finish = (endOffset: number): void => {
    if (!current) return;
    const m = acc.take();
    let data = m.truncated ? m.data : trimTrailingNewline(m.data);
    data = unquoteFrom(data);
    pending.push({ index: ++index, offset: current.offset, end: endOffset, data, size: m.size, truncated: m.truncated, envelope: current.envelope });
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) return;
      const buf: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const base = carryPos;
      const byteAt = (i: number): number | undefined => (i >= 0 ? buf[i] : before[before.length + i]);
      let consumed = 0; // bytes of buf already given to the accumulator or to a separator
      let search = 0;
      let cutAt = -1; // a candidate separator line that the chunk end cuts
      const atFileStart = base === start && current === null && index === 0;
      let first = atFileStart && buf.length >= 5 && buf.subarray(0, 5).equals(FROM);
      for (;;) {
        let lineStart: number;
        if (first) {
          lineStart = 0;
          first = false;
        } else {
          const hit = buf.indexOf(NL_FROM, search);
          if (hit < 0) break;
          lineStart = hit + 1;
        }
        search = lineStart + 1;
        const lineEnd = buf.indexOf(10, lineStart);
        if (lineEnd < 0) {
          cutAt = Math.max(0, lineStart - 1);
          break;
        }
        const line = buf.subarray(lineStart, lineEnd).toString('latin1').replace(/\r$/, '');
        // The line before is blank when the '\n' ending it directly follows another line end.
        const p = lineStart - 1;
        const blankBefore = lineStart === 0 || byteAt(p - 1) === 10 || (byteAt(p - 1) === 13 && byteAt(p - 2) === 10);
        const isSeparator = lineEnd - lineStart <= MAX_SEPARATOR && (current === null || blankBefore || ENVELOPE.test(line));
        if (!isSeparator) continue;
        if (current) acc.push(buf.subarray(consumed, lineStart));
        finish(base + lineStart);
        current = { offset: base + lineStart, envelope: line };
        consumed = lineEnd + 1;
        search = lineEnd;
      }
      // Keep a tail that might hold the start of a separator ("\nFrom " split across chunks).
      let keepFrom = Math.max(consumed, buf.length - (NL_FROM.length - 1));
      if (cutAt >= consumed && buf.length - cutAt <= MAX_SEPARATOR + 2) keepFrom = Math.min(keepFrom, cutAt);
      if (current) acc.push(buf.subarray(consumed, keepFrom));
      before = Buffer.from(keepFrom >= 3 ? buf.subarray(keepFrom - 3, keepFrom) : Buffer.concat([before, buf.subarray(0, keepFrom)]).subarray(-3));
      carry = Buffer.from(buf.subarray(keepFrom));
      carryPos = base + keepFrom;
      opts.onBytes?.(carryPos);
      if (pending.length) {
        const out = pending;
        pending = [];
        for (const m of out) yield m;
      }
    }
    if (current) {
      acc.push(carry);
      finish(carryPos + carry.length);
    }
    for (const m of pending) yield m;
  } finally {
    stream.destroy();
  }
}

// Streaming reader for the X archive's data files: `window.YTD.<type>.partN = [ {...}, {...} ]`.
//
// A tweets.js of a million tweets is hundreds of megabytes, so the file is never held whole: an
// incremental splitter walks the text once, tracking strings, escapes and bracket depth, cuts out
// one top-level array element at a time and JSON.parses only that element. A malformed element is
// reported (index and reason) and the next one is read; a truncated file reports where it stopped.
// The wrapper is never evaluated: everything before the first `=` is skipped as text.

/** One array element, or the reason it could not be read. `index` counts from 0. */
export type YtdItem = { index: number; value: unknown } | { index: number; error: string };

export interface YtdOptions {
  /** Largest single element, in characters; a bigger one is skipped and reported. */
  maxElementChars?: number;
  /** Called with the number of bytes consumed so far (for progress bars). */
  onBytes?: (n: number) => void;
}

const DEFAULT_MAX_ELEMENT = 64 * 1024 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const EQUALS = 0x3d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;
}

type Phase = 'prefix' | 'open' | 'between' | 'element' | 'done';

/**
 * Split the wrapper's array into elements. Input is any (async) iterable of byte chunks or
 * strings; UTF-8 sequences split across chunks are decoded correctly.
 */
export async function* readYtd(input: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>, opts: YtdOptions = {}): AsyncGenerator<YtdItem> {
  const maxElement = opts.maxElementChars ?? DEFAULT_MAX_ELEMENT;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let phase: Phase = 'prefix';
  let index = 0;
  // Inside an element: depth of {}/[], whether inside a string, whether the previous char was `\`.
  let depth = 0;
  let inString = false;
  let escaped = false;
  // Pieces of the element in hand (from earlier chunks) and their total length.
  let pieces: string[] = [];
  let pieceChars = 0;
  let oversize = false;
  let bytes = 0;
  let trailing = '';
  let seenText = false;
  // The first character of the element in hand (`{` for every real archive element).
  let opener = 0;

  // The wrapper key every element has (`tweet`, `like` ...), learnt from the first good one, so
  // resync never mistakes an object nested inside a broken element for an element.
  let elementKey: string | undefined;
  const learn = (v: unknown) => {
    if (elementKey === undefined && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1) elementKey = keys[0];
    }
  };
  const accept = (v: unknown) => elementKey !== undefined && v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v)[0] === elementKey;
  const finish = (text: string): YtdItem[] => {
    if (oversize) return [{ index: index++, error: `element larger than ${maxElement} characters; skipped` }];
    try {
      const value: unknown = JSON.parse(text);
      learn(value);
      return [{ index: index++, value }];
    } catch {
      // A broken quote or bracket makes the splitter swallow the elements after it: find them again.
      return resync(text, 'malformed JSON', accept).map((r) => ({ index: index++, ...r }));
    }
  };

  for await (const chunk of input) {
    let s: string;
    if (typeof chunk === 'string') s = chunk;
    else {
      bytes += chunk.byteLength;
      s = decoder.decode(chunk, { stream: true });
    }
    const out: YtdItem[] = [];
    let i = 0;
    let start = phase === 'element' ? 0 : -1;
    const n = s.length;
    while (i < n) {
      if (phase === 'element') {
        if (inString) {
          // Jump to the next quote or backslash: string bodies are most of the text.
          if (escaped) {
            escaped = false;
            i++;
            continue;
          }
          let j = i;
          for (; j < n; j++) {
            const c = s.charCodeAt(j);
            if (c === QUOTE || c === BACKSLASH) break;
          }
          if (j >= n) {
            i = n;
            break;
          }
          if (s.charCodeAt(j) === BACKSLASH) escaped = true;
          else inString = false;
          i = j + 1;
          continue;
        }
        const c = s.charCodeAt(i);
        if (c === QUOTE) inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          if (depth === 0) {
            // `]` closing the outer array right after a scalar element.
            out.push(...finish(take(s, start, i)));
            phase = 'done';
            i++;
            continue;
          }
          depth--;
          if (depth === 0) {
            if (opener === OPEN_BRACE && c === CLOSE_BRACKET) {
              // Brackets did not balance inside the element, so this `]` closes the outer array.
              out.push(...finish(take(s, start, i)));
              phase = 'done';
            } else {
              out.push(...finish(take(s, start, i + 1)));
              phase = 'between';
            }
            i++;
            continue;
          }
        } else if (c === COMMA && depth === 0) {
          out.push(...finish(take(s, start, i)));
          phase = 'between';
          i++;
          continue;
        }
        i++;
        continue;
      }
      const c = s.charCodeAt(i);
      if (phase === 'prefix') {
        if (c === EQUALS) phase = 'open';
        else if (c === OPEN_BRACKET && !seenText) {
          // A bare JSON array (some tools strip the wrapper): accept it too.
          phase = 'between';
        }
        if (!isSpace(c)) seenText = true;
        i++;
      } else if (phase === 'open') {
        if (isSpace(c)) i++;
        else if (c === OPEN_BRACKET) {
          phase = 'between';
          i++;
        } else throw new YtdFormatError(`expected "[" after "=", found ${JSON.stringify(s.slice(i, i + 20))}`);
      } else if (phase === 'between') {
        if (isSpace(c) || c === COMMA) i++;
        else if (c === CLOSE_BRACKET) {
          phase = 'done';
          i++;
        } else {
          phase = 'element';
          opener = c;
          start = i;
          depth = 0;
          inString = false;
          escaped = false;
          pieces = [];
          pieceChars = 0;
          oversize = false;
        }
      } else {
        // done: only `;` and whitespace may follow; keep a little of anything else to report.
        if (!isSpace(c) && c !== 0x3b && trailing.length < 40) trailing += s[i];
        i++;
      }
    }
    if (phase === 'element') {
      // Keep the unfinished element's text for the next chunk (unless it is already too big).
      const rest = s.slice(start < 0 ? 0 : start);
      if (!oversize) {
        pieceChars += rest.length;
        if (pieceChars > maxElement) {
          oversize = true;
          pieces = [];
        } else pieces.push(rest);
      }
    }
    opts.onBytes?.(bytes);
    for (const item of out) yield item;
  }

  function take(s: string, from: number, to: number): string {
    const tail = s.slice(from < 0 ? 0 : from, to);
    if (pieces.length === 0) {
      if (tail.length > maxElement) oversize = true;
      return oversize ? '' : tail;
    }
    if (oversize) return '';
    if (pieceChars + tail.length > maxElement) {
      oversize = true;
      return '';
    }
    const whole = pieces.join('') + tail;
    pieces = [];
    pieceChars = 0;
    return whole;
  }

  if (phase === 'prefix') throw new YtdFormatError('not a window.YTD data file: no "=" found');
  if (phase === 'open') throw new YtdFormatError('file ends after "=": no array');
  if (phase === 'element' && !oversize && pieces.length) {
    // The file ended inside an element: a truncated file, or a broken quote that hid the rest.
    // Recover what complete elements the text still holds.
    const text = pieces.join('').replace(/[\s;\]]+$/, '');
    const items = resync(text, 'malformed JSON', accept);
    const last = items.at(-1);
    for (const it of items.slice(0, -1)) yield { index: index++, ...it };
    if (last && 'value' in last) yield { index: index++, value: last.value };
    else yield { index: index++, error: `file is truncated: it ends inside element ${index - 1} (no closing "]")` };
    return;
  }
  if (phase === 'element' || phase === 'between') {
    yield { index, error: `file is truncated: it ends inside element ${index} (no closing "]")` };
    return;
  }
  if (trailing) yield { index, error: `unexpected text after the closing "]": ${JSON.stringify(trailing)}` };
}

/** The file is not a YTD wrapper at all (nothing in it can be read). */
export class YtdFormatError extends Error {
  override name = 'YtdFormatError';
}

/**
 * Parse a small wrapped file whole (manifest.js assigns an object, not an array). Size-limited by
 * the caller. Never evaluated: the text after the first `=` is parsed as JSON.
 */
export function parseWrappedObject(text: string): unknown {
  const eq = text.indexOf('=');
  if (eq < 0) throw new YtdFormatError('no "=" found');
  let body = text.slice(eq + 1).trim();
  if (body.endsWith(';')) body = body.slice(0, -1);
  return JSON.parse(body);
}

type Resynced = { value: unknown } | { error: string };

/**
 * Elements hidden in a text that did not parse as one: cut it where one object ends and the next
 * begins (`}` `,` `{`, whitespace allowed), parse each piece, and rejoin pieces when the cut fell
 * inside a string. Only pieces that `accept` (the file's element shape) count as elements; the
 * rest, consecutive ones together, are reported once with `reason` and the parser's message.
 */
export function resync(text: string, reason: string, accept: (v: unknown) => boolean): Resynced[] {
  const parse = (t: string): { ok: true; value: unknown } | { ok: false; message: string } => {
    try {
      const value: unknown = JSON.parse(t);
      return accept(value) ? { ok: true, value } : { ok: false, message: 'not an element of this file' };
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
  };
  const starts = [0];
  const re = /\}\s*,\s*\{/g;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index + m[0].length - 1);
  const pieces = starts.map((st, i) => text.slice(st, i + 1 < starts.length ? starts[i + 1] : text.length).replace(/\s*,\s*$/, '').replace(/\}[\s\];]*$/, '}'));
  const out: Resynced[] = [];
  let failed: string | undefined;
  for (let i = 0; i < pieces.length; ) {
    let acc = pieces[i]!;
    let r = parse(acc);
    let j = i;
    while (!r.ok && j + 1 < pieces.length && j - i < 8) {
      j++;
      acc = `${acc},${pieces[j]!}`;
      r = parse(acc);
    }
    if (r.ok) {
      if (failed !== undefined) out.push({ error: failed });
      failed = undefined;
      out.push({ value: r.value });
      i = j + 1;
    } else {
      if (failed === undefined) {
        const own = parse(pieces[i]!);
        failed = `${reason}: ${own.ok ? 'cannot be read' : own.message}`;
      }
      i++;
    }
  }
  if (failed !== undefined) out.push({ error: failed });
  return out;
}

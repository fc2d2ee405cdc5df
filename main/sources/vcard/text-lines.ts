// Stream a text file as physical lines without loading it whole: UTF-16 when it starts with a
// UTF-16 byte-order mark (Windows tools write that), else UTF-8 (a BOM is dropped), or
// Windows-1252 when the start of the file is not valid UTF-8 (old address-book exports).
// Shared by the vCard and BBDB importers. A "line" longer than MAX_LINE is handed on in pieces,
// so a file with no line breaks cannot exhaust memory (the readers reject such lines).

import { createReadStream } from 'node:fs';
import { decodeWindows1252 } from './lines.js';

const MAX_LINE = 16 * 1024 * 1024;

export interface TextLines {
  charset: Charset;
  lines: AsyncGenerator<string>;
}

export type Charset = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** The charset of a file from its first bytes. */
export function sniffCharset(head: Buffer): Charset {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return looksUtf8(head) ? 'utf-8' : 'windows-1252';
}

/** The first bytes decoded, for content sniffing. */
export function headText(head: Buffer): string {
  const charset = sniffCharset(head);
  if (charset === 'windows-1252') return decodeWindows1252(head);
  return new TextDecoder(charset).decode(head, { stream: true });
}

function looksUtf8(head: Buffer): boolean {
  try {
    // `stream: true` tolerates a sequence cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Whether a sample looks like binary data rather than text (NUL bytes in a non-UTF-16 file). */
export function looksBinary(head: Buffer): boolean {
  const charset = sniffCharset(head);
  if (charset === 'utf-16le' || charset === 'utf-16be') return headText(head.subarray(0, 8192)).includes('\0');
  return head.subarray(0, 8192).includes(0);
}

export async function readTextLines(path: string, head: Buffer, signal?: AbortSignal): Promise<TextLines> {
  const charset = sniffCharset(head);
  async function* lines(): AsyncGenerator<string> {
    // One byte is one character in Windows-1252, so chunks decode independently; the Unicode
    // decoders carry a sequence cut between chunks over (`stream: true`) and drop the BOM.
    const unicode = charset === 'windows-1252' ? undefined : new TextDecoder(charset, { ignoreBOM: false });
    const decode = (b?: Buffer) => (unicode ? (b ? unicode.decode(b, { stream: true }) : unicode.decode()) : b ? decodeWindows1252(b) : '');
    let carry = '';
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) {
      carry += decode(chunk as Buffer);
      const parts = carry.split(/\r\n|\n|\r(?!$)/);
      carry = parts.pop()!;
      yield* parts;
      if (carry.length > MAX_LINE) {
        yield carry;
        carry = '';
      }
    }
    carry += decode();
    const parts = carry.split(/\r\n|\n|\r/);
    if (parts.at(-1) === '') parts.pop();
    yield* parts;
  }
  return { charset, lines: lines() };
}

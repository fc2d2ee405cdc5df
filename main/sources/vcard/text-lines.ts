// Stream a text file as physical lines without loading it whole: UTF-8 (a BOM is dropped), or
// Windows-1252 when the start of the file is not valid UTF-8 (old address-book exports).
// Shared by the vCard and BBDB importers. A "line" longer than MAX_LINE is handed on in pieces,
// so a file with no line breaks cannot exhaust memory (the readers reject such lines).

import { createReadStream } from 'node:fs';
import { decodeWindows1252 } from './lines.js';

const MAX_LINE = 16 * 1024 * 1024;

export interface TextLines {
  charset: 'utf-8' | 'windows-1252';
  lines: AsyncGenerator<string>;
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

/** Whether a sample looks like binary data rather than text (NUL bytes). */
export function looksBinary(head: Buffer): boolean {
  return head.subarray(0, 8192).includes(0);
}

export async function readTextLines(path: string, head: Buffer, signal?: AbortSignal): Promise<TextLines> {
  const charset = looksUtf8(head) ? 'utf-8' : 'windows-1252';
  async function* lines(): AsyncGenerator<string> {
    // One byte is one character in Windows-1252, so chunks decode independently.
    const utf8 = new TextDecoder('utf-8', { ignoreBOM: false });
    const decode = (b?: Buffer) => (charset === 'utf-8' ? (b ? utf8.decode(b, { stream: true }) : utf8.decode()) : b ? decodeWindows1252(b) : '');
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

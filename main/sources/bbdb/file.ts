// Splitting a BBDB file into record vectors. BBDB itself wraps everything after the first `[` in
// parentheses and calls the Lisp reader once, so one bad record loses the whole file. We read
// one record at a time instead: a record that does not parse is reported with its line and the
// reader resumes at the next line starting with `[` (BBDB writes one record per line).

import { SexpError, SexpReader, type Sexp } from './sexp.js';

/** The newest file format this importer understands (BBDB 3.2). */
export const NEWEST_FORMAT = 9;

export interface BbdbHeader {
  /** `;;; file-format: N` (BBDB 3) or `;;; file-version: N` (BBDB 2); undefined when absent. */
  format?: number;
  /** Offset of the first record (`[` at the start of a line), or the text length. */
  start: number;
  /** Line number of that offset. */
  line: number;
}

const FORMAT_LINE = /^;+[ \t]*file-(?:format|version):[ \t]*(\d+)/m;

export function readHeader(text: string): BbdbHeader {
  let start = text.startsWith('[') ? 0 : text.indexOf('\n[');
  start = start < 0 ? text.length : start === 0 ? 0 : start + 1;
  const head = text.slice(0, start);
  const m = FORMAT_LINE.exec(head);
  const header: BbdbHeader = { start, line: countLines(head) + 1 };
  if (m) header.format = Number(m[1]);
  return header;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

export type RecordEvent =
  | { record: Sexp; index: number; line: number }
  | { problem: { index?: number; line: number; reason: string } };

/** Every record vector of the file, in order, with problems for the ones that cannot be read. */
export function* readRecords(text: string, header: BbdbHeader): Generator<RecordEvent> {
  const reader = new SexpReader(text, header.start, header.line);
  let index = 0;
  for (;;) {
    if (!reader.skipSpace()) return;
    const line = reader.line;
    const start = reader.pos;
    if (text[start] !== '[') {
      const next = nextRecordStart(text, start);
      // Text after the last record is allowed (BBDB ignores it); between records it is not.
      if (next < 0) return;
      yield { problem: { line, reason: `line ${line}: text between records ignored: ${JSON.stringify(text.slice(start, start + 60).split('\n')[0])}` } };
      resync(reader, text, next);
      continue;
    }
    index++;
    try {
      const record = reader.read();
      yield { record, index, line };
    } catch (e) {
      const reason = e instanceof SexpError ? e.message : String(e);
      yield { problem: { index, line, reason: `record ${index} (line ${line}) cannot be read: ${reason}; skipped` } };
      const next = nextRecordStart(text, start + 1);
      if (next < 0) return;
      resync(reader, text, next);
    }
  }
}

function nextRecordStart(text: string, from: number): number {
  const i = text.indexOf('\n[', from);
  return i < 0 ? -1 : i + 1;
}

function resync(reader: SexpReader, text: string, to: number): void {
  // Count lines between the reader's position and the new start (the reader may have run ahead).
  if (to > reader.pos) reader.line += countLines(text.slice(reader.pos, to));
  else reader.line -= countLines(text.slice(to, reader.pos));
  reader.pos = to;
}

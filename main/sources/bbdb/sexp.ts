// A reader for the subset of Emacs Lisp printed syntax BBDB files use: strings (with escapes and
// literal newlines), integers and floats, symbols (with backslash escapes), nil, lists, dotted
// pairs, vectors, quote, character literals and `;` comments. A real reader, not a regex: it
// tracks line numbers so every error names where it happened, and it caps nesting so a hostile
// file cannot blow the stack.

export interface Sym {
  kind: 'symbol';
  name: string;
}
export interface List {
  kind: 'list';
  items: Sexp[];
  /** The cdr of the last cons in a dotted list `(a b . c)`; undefined for a proper list. */
  tail?: Sexp;
}
export interface Vec {
  kind: 'vector';
  items: Sexp[];
}
/** nil and () read as null. */
export type Sexp = string | number | null | Sym | List | Vec;

export class SexpError extends Error {
  override name = 'SexpError';
  constructor(
    message: string,
    readonly line: number,
    readonly offset: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const MAX_DEPTH = 200;
const DELIMITERS = new Set([' ', '\t', '\n', '\r', '\f', '(', ')', '[', ']', '"', ';', "'", '`', ',']);

export class SexpReader {
  pos: number;
  line: number;

  constructor(
    readonly text: string,
    start = 0,
    startLine = 1,
  ) {
    this.pos = start;
    this.line = startLine;
  }

  private fail(message: string): never {
    throw new SexpError(message, this.line, this.pos);
  }

  /** Skip white space and comments. Returns false at the end of the text. */
  skipSpace(): boolean {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '\n') {
        this.line++;
        this.pos++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
        this.pos++;
      } else if (c === ';') {
        const nl = t.indexOf('\n', this.pos);
        this.pos = nl < 0 ? t.length : nl;
      } else {
        return true;
      }
    }
    return false;
  }

  /** Read one datum. */
  read(depth = 0): Sexp {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    if (!this.skipSpace()) this.fail('unexpected end of file');
    const t = this.text;
    const c = t[this.pos]!;
    switch (c) {
      case '"':
        return this.readString();
      case '(':
        return this.readList(depth);
      case '[': {
        this.pos++;
        const items = this.readUntil(']', depth);
        return { kind: 'vector', items };
      }
      case ')':
      case ']':
        this.fail(`unexpected '${c}'`);
      // eslint-disable-next-line no-fallthrough
      case "'":
        this.pos++;
        return { kind: 'list', items: [{ kind: 'symbol', name: 'quote' }, this.read(depth + 1)] };
      case '?':
        return this.readChar();
      case '#':
        this.fail(`unsupported syntax '#${t[this.pos + 1] ?? ''}'`);
      // eslint-disable-next-line no-fallthrough
      default:
        return this.readAtom();
    }
  }

  private readUntil(close: ']' | ')', depth: number): Sexp[] {
    const items: Sexp[] = [];
    const openLine = this.line;
    for (;;) {
      if (!this.skipSpace()) throw new SexpError(`'${close === ']' ? '[' : '('}' opened on line ${openLine} is never closed`, openLine, this.pos);
      const c = this.text[this.pos]!;
      if (c === close) {
        this.pos++;
        return items;
      }
      if (c === ')' || c === ']') this.fail(`'${c}' where '${close}' was expected (opened on line ${openLine})`);
      items.push(this.read(depth + 1));
    }
  }

  private readList(depth: number): Sexp {
    this.pos++;
    const items: Sexp[] = [];
    const openLine = this.line;
    for (;;) {
      if (!this.skipSpace()) throw new SexpError(`'(' opened on line ${openLine} is never closed`, openLine, this.pos);
      const c = this.text[this.pos]!;
      if (c === ')') {
        this.pos++;
        return items.length === 0 ? null : { kind: 'list', items };
      }
      if (c === ']') this.fail(`']' where ')' was expected (opened on line ${openLine})`);
      if (c === '.' && DELIMITERS.has(this.text[this.pos + 1] ?? ' ') && items.length > 0) {
        this.pos++;
        const tail = this.read(depth + 1);
        if (!this.skipSpace() || this.text[this.pos] !== ')') this.fail(`a dotted pair needs ')' after its tail (opened on line ${openLine})`);
        this.pos++;
        return tail === null ? { kind: 'list', items } : { kind: 'list', items, tail };
      }
      items.push(this.read(depth + 1));
    }
  }

  private readString(): string {
    const t = this.text;
    const startLine = this.line;
    this.pos++;
    let out = '';
    // Octal and \x escapes denote bytes; consecutive ones are decoded together as UTF-8.
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length === 0) return;
      const buf = Uint8Array.from(bytes);
      try {
        out += new TextDecoder('utf-8', { fatal: true }).decode(buf);
      } catch {
        out += new TextDecoder('latin1').decode(buf);
      }
      bytes = [];
    };
    for (;;) {
      if (this.pos >= t.length) throw new SexpError(`string opened on line ${startLine} is never closed`, startLine, this.pos);
      const c = t[this.pos]!;
      if (c === '"') {
        this.pos++;
        flush();
        return out;
      }
      if (c !== '\\') {
        flush();
        if (c === '\n') this.line++;
        out += c;
        this.pos++;
        continue;
      }
      const e = t[this.pos + 1];
      if (e === undefined) continue; // the unterminated-string error above
      this.pos += 2;
      if (/[0-7]/.test(e)) {
        const m = /^[0-7]{0,2}/.exec(t.slice(this.pos))![0];
        this.pos += m.length;
        const v = parseInt(e + m, 8);
        if (v < 256) bytes.push(v);
        else {
          flush();
          out += String.fromCodePoint(v);
        }
        continue;
      }
      if (e === 'x') {
        const m = /^[0-9A-Fa-f]+/.exec(t.slice(this.pos))?.[0] ?? '';
        this.pos += m.length;
        if (t[this.pos] === '\\' && t[this.pos + 1] === ' ') this.pos += 2; // `\ ` ends a hex escape
        const v = parseInt(m || '0', 16);
        if (m.length <= 2) bytes.push(v);
        else {
          flush();
          out += safeCodePoint(v);
        }
        continue;
      }
      flush();
      if (e === 'u' || e === 'U') {
        const n = e === 'u' ? 4 : 8;
        const hex = t.slice(this.pos, this.pos + n);
        if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(hex)) this.fail(`bad \\${e} escape in a string`);
        this.pos += n;
        out += safeCodePoint(parseInt(hex, 16));
        continue;
      }
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'f':
          out += '\f';
          break;
        case 'e':
          out += '\x1b';
          break;
        case 'a':
          out += '\x07';
          break;
        case 'b':
          out += '\b';
          break;
        case 'v':
          out += '\v';
          break;
        case 'd':
          out += '\x7f';
          break;
        case 's':
          out += ' ';
          break;
        case '\n':
          this.line++; // an escaped newline is ignored (a continuation)
          break;
        case ' ':
          break; // `\ ` is ignored in strings
        default:
          out += e; // \" \\ and any other character stand for themselves
      }
    }
  }

  private readChar(): number {
    const t = this.text;
    this.pos++;
    let c = t[this.pos];
    if (c === undefined) this.fail('unexpected end of file after ?');
    if (c === '\\') {
      this.pos++;
      c = t[this.pos];
      if (c === undefined) this.fail('unexpected end of file after ?\\');
      const named: Record<string, number> = { n: 10, t: 9, r: 13, e: 27, s: 32, a: 7, f: 12, d: 127 };
      this.pos++;
      return named[c] ?? c.codePointAt(0)!;
    }
    const cp = t.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private readAtom(): Sexp {
    const t = this.text;
    let name = '';
    let escaped = false;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '\\') {
        const next = t[this.pos + 1];
        if (next === undefined) this.fail('backslash at the end of the file');
        name += next;
        escaped = true;
        if (next === '\n') this.line++;
        this.pos += 2;
        continue;
      }
      if (DELIMITERS.has(c)) break;
      name += c;
      this.pos++;
    }
    if (name === '' && !escaped) this.fail(`unexpected character ${JSON.stringify(t[this.pos])}`);
    if (!escaped) {
      if (name === 'nil') return null;
      if (/^[+-]?\d+\.?$/.test(name)) return Number.parseInt(name, 10);
      if (/^[+-]?(\d+\.\d+|\d*\.\d+|\d+(\.\d*)?e[+-]?\d+)$/i.test(name)) return Number.parseFloat(name);
    }
    return { kind: 'symbol', name };
  }
}

function safeCodePoint(v: number): string {
  return v <= 0x10ffff ? String.fromCodePoint(v) : '\ufffd';
}

/** Read exactly one datum from a text (tests, small inputs). */
export function readSexp(text: string): Sexp {
  const r = new SexpReader(text);
  const v = r.read();
  if (r.skipSpace()) throw new SexpError('text after the datum', r.line, r.pos);
  return v;
}

// --- helpers for interpreting data ---

export function isSym(s: Sexp, name?: string): s is Sym {
  return typeof s === 'object' && s !== null && s.kind === 'symbol' && (name === undefined || s.name === name);
}

/** The elements of a proper list (nil is empty). Dotted lists and non-lists give undefined. */
export function listItems(s: Sexp): Sexp[] | undefined {
  if (s === null) return [];
  if (typeof s === 'object' && s.kind === 'list' && s.tail === undefined) return s.items;
  return undefined;
}

/** A cons cell `(car . cdr)` as a pair; a proper list `(a b c)` as (a . (b c)). */
export function consPair(s: Sexp): [Sexp, Sexp] | undefined {
  if (typeof s !== 'object' || s === null || s.kind !== 'list' || s.items.length === 0) return undefined;
  if (s.tail !== undefined && s.items.length === 1) return [s.items[0]!, s.tail];
  const rest: Sexp = s.items.length === 1 && s.tail === undefined ? null : { kind: 'list', items: s.items.slice(1), ...(s.tail !== undefined ? { tail: s.tail } : {}) };
  return [s.items[0]!, rest];
}

/** A plain JSON value for storing an arbitrary datum (symbols become their names). */
export function sexpToJson(s: Sexp): unknown {
  if (s === null || typeof s === 'string' || typeof s === 'number') return s;
  if (s.kind === 'symbol') return s.name;
  const items = s.items.map(sexpToJson);
  if (s.kind === 'list' && s.tail !== undefined) return [...items, '.', sexpToJson(s.tail)];
  return items;
}

// The low-level text rules of vCard on the reading side, lenient enough for what real address
// books write: vCard 2.1 (bare TYPE parameters, QUOTED-PRINTABLE with soft line breaks, CHARSET),
// 3.0 (TYPE lists, `\n` escapes) and 4.0 (RFC 6868 caret escapes in parameters). Pure functions.

export interface ContentLine {
  /** Apple-style group prefix (`item1` of `item1.URL`), lower-cased, or undefined. */
  group?: string;
  /** Property name, upper-cased. */
  name: string;
  /** Parameters by upper-cased name; values split on unquoted commas. */
  params: Map<string, string[]>;
  /** The raw value (still escaped; QUOTED-PRINTABLE already decoded). */
  value: string;
  /** 1-based line number of the first physical line, for error messages. */
  line: number;
}

export class VCardSyntaxError extends Error {
  override name = 'VCardSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** A logical line after unfolding, with the number of its first physical line. */
export interface LogicalLine {
  text: string;
  line: number;
}

const QP_PARAM = /;(?:[^:;]*=)?quoted-printable(?=[;:])/i;

/** Longest logical line kept (a PHOTO can be big); longer ones are dropped with a problem. */
export const MAX_LOGICAL_LINE = 8 * 1024 * 1024;

/**
 * Unfold physical lines into logical lines, one physical line at a time (so a huge file streams):
 * a line starting with a space or tab continues the previous one (RFC 6350 §3.2). A vCard 2.1
 * QUOTED-PRINTABLE value ending with `=` (a soft line break) continues on the next line even
 * without leading white space. A logical line longer than `maxLength` is cut short and flagged.
 */
export class Unfolder {
  private current: (LogicalLine & { tooLong?: boolean }) | undefined;
  private qpSoftBreak = false;
  private lineNo = 0;

  constructor(private readonly maxLength = MAX_LOGICAL_LINE) {}

  /** Feed the next physical line (without its line break); returns a finished logical line, if any. */
  push(raw: string): (LogicalLine & { tooLong?: boolean }) | undefined {
    this.lineNo++;
    const cur = this.current;
    if (cur && this.qpSoftBreak) {
      this.append(cur, raw, true);
      this.qpSoftBreak = cur.tooLong ? raw.endsWith('=') : cur.text.endsWith('=');
      return undefined;
    }
    if (cur && (raw.startsWith(' ') || raw.startsWith('\t'))) {
      this.append(cur, raw.slice(1), false);
      return undefined;
    }
    this.current = { text: raw.length > this.maxLength ? raw.slice(0, this.maxLength) : raw, line: this.lineNo };
    if (raw.length > this.maxLength) this.current.tooLong = true;
    this.qpSoftBreak = isQuotedPrintable(raw) && raw.endsWith('=');
    return cur;
  }

  end(): (LogicalLine & { tooLong?: boolean }) | undefined {
    const cur = this.current;
    this.current = undefined;
    return cur;
  }

  private append(cur: LogicalLine & { tooLong?: boolean }, more: string, softBreak: boolean): void {
    if (cur.tooLong) return;
    const base = softBreak ? cur.text.slice(0, -1) : cur.text;
    if (base.length + more.length > this.maxLength) {
      cur.tooLong = true;
      return;
    }
    cur.text = base + more;
  }
}

/** Unfold a whole text (see Unfolder). */
export function* unfold(text: string): Generator<LogicalLine & { tooLong?: boolean }> {
  const u = new Unfolder();
  for (const raw of text.split(/\r\n|\n|\r/)) {
    const done = u.push(raw);
    if (done) yield done;
  }
  const last = u.end();
  if (last) yield last;
}

function isQuotedPrintable(line: string): boolean {
  const colon = line.indexOf(':');
  return colon > 0 && QP_PARAM.test(line.slice(0, colon + 1));
}

/** Parse one logical line into name, params and value. Throws VCardSyntaxError when malformed. */
export function parseContentLine(l: LogicalLine): ContentLine {
  const text = l.text;
  let i = 0;
  const nameMatch = /^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)/.exec(text);
  if (!nameMatch) throw new VCardSyntaxError(`line ${l.line}: not a vCard property: ${JSON.stringify(text.slice(0, 60))}`, l.line);
  i = nameMatch[0].length;
  const params = new Map<string, string[]>();
  while (text[i] === ';') {
    i++;
    const pm = /^([A-Za-z0-9-]+)/.exec(text.slice(i));
    if (!pm) throw new VCardSyntaxError(`line ${l.line}: bad parameter in ${JSON.stringify(text.slice(0, 60))}`, l.line);
    const pname = pm[1]!.toUpperCase();
    i += pm[1]!.length;
    const values: string[] = [];
    if (text[i] === '=') {
      i++;
      for (;;) {
        if (text[i] === '"') {
          const end = text.indexOf('"', i + 1);
          if (end < 0) throw new VCardSyntaxError(`line ${l.line}: unterminated quoted parameter value`, l.line);
          values.push(decodeCaret(text.slice(i + 1, end)));
          i = end + 1;
        } else {
          const m = /^[^";:,]*/.exec(text.slice(i))!;
          values.push(decodeCaret(m[0]));
          i += m[0].length;
        }
        if (text[i] === ',') {
          i++;
          continue;
        }
        break;
      }
      addParam(params, pname, values);
    } else {
      // vCard 2.1 bare parameters: `TEL;HOME;VOICE:` means TYPE=HOME,VOICE; QUOTED-PRINTABLE
      // alone is an ENCODING and a bare charset name would be odd but harmless.
      if (pname === 'QUOTED-PRINTABLE' || pname === 'BASE64' || pname === 'B') addParam(params, 'ENCODING', [pname]);
      else addParam(params, 'TYPE', [pname]);
    }
  }
  if (text[i] !== ':') throw new VCardSyntaxError(`line ${l.line}: missing ':' after the property name in ${JSON.stringify(text.slice(0, 60))}`, l.line);
  let value = text.slice(i + 1);
  const encoding = params.get('ENCODING')?.[0]?.toUpperCase();
  if (encoding === 'QUOTED-PRINTABLE') value = decodeQuotedPrintable(value, params.get('CHARSET')?.[0]);
  const out: ContentLine = { name: nameMatch[2]!.toUpperCase(), params, value, line: l.line };
  if (nameMatch[1]) out.group = nameMatch[1].toLowerCase();
  return out;
}

function addParam(params: Map<string, string[]>, name: string, values: string[]): void {
  const list = params.get(name);
  if (list) list.push(...values);
  else params.set(name, values);
}

/** RFC 6868: ^n newline, ^' double quote, ^^ caret. */
function decodeCaret(v: string): string {
  return v.replace(/\^([n'^])/g, (_m, c: string) => (c === 'n' ? '\n' : c === "'" ? '"' : '^'));
}

/** vCard 2.1 QUOTED-PRINTABLE: `=XX` octets in the given charset (UTF-8 by default). */
export function decodeQuotedPrintable(value: string, charset = 'utf-8'): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '=' && i === value.length - 1) {
      // a trailing soft break left over
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset.toLowerCase());
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** Undo TEXT escaping: `\n`/`\N` newline; `\,` `\;` `\\` `\:` literal. Other backslashes are kept. */
export function unescapeText(value: string): string {
  return value.replace(/\\([nN,;:\\])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Split on an unescaped separator (`;` for components, `,` for list items), keeping escapes. */
export function splitEscaped(value: string, sep: ';' | ','): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1]!;
      i++;
    } else if (c === sep) {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

/** A compound value (N, ADR, ORG) as components of list items, unescaped. */
export function parseCompound(value: string): string[][] {
  return splitEscaped(value, ';').map((c) => splitEscaped(c, ',').map(unescapeText));
}

// Windows-1252's 0x80–0x9F (Node 20's TextDecoder treats the label as ISO-8859-1 and gets these
// wrong: 0x96 must be an en dash, not a C1 control). Undefined bytes keep their Latin-1 value.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Decode Windows-1252 bytes. */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : String.fromCharCode(b);
  return out;
}

/** Decode a file's bytes: UTF-8 (BOM stripped), else Windows-1252 as old exporters wrote. */
export function decodeVCardBytes(buf: Buffer): { text: string; charset: 'utf-8' | 'windows-1252' } {
  let b = buf;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(b), charset: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(b), charset: 'windows-1252' };
  }
}

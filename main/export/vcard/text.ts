// The low-level text rules of vCard 3.0 (RFC 2426) and 4.0 (RFC 6350) on the writing side:
// value escaping, parameter quoting and line folding. Pure functions, tested with fast-check
// against the reader in main/sources/vcard/lines.ts.

export type VCardVersion = 3 | 4;

/**
 * Escape a TEXT value (or one component of a compound value): backslash, newline, comma and, by
 * default, semicolon. Single TEXT values (FN, NOTE, TITLE ...) should not escape the semicolon:
 * RFC 6350 §3.4 has no `\;` in its text grammar, and ical.js (Thunderbird) keeps the backslash
 * even in 3.0 cards, although RFC 2426 asked for it. Components of compound values (N, ADR, ORG)
 * must escape it.
 */
export function escapeText(value: string, options: { semicolons?: boolean } = {}): string {
  const re = options.semicolons === false ? /\r\n|[\\\n\r,]/g : /\r\n|[\\\n\r,;]/g;
  return value.replace(re, (c) => {
    if (c === '\\') return '\\\\';
    if (c === ',') return '\\,';
    if (c === ';') return '\\;';
    return '\\n';
  });
}

/** A compound value (N, ADR, ORG): components joined by `;`, list items inside one by `,`. */
export function compoundValue(components: readonly (string | readonly string[] | undefined)[]): string {
  return components
    .map((c) => {
      if (c === undefined) return '';
      if (typeof c === 'string') return escapeText(c);
      return c.map((s) => escapeText(s)).join(',');
    })
    .join(';');
}

/**
 * A parameter value. vCard 4.0 uses RFC 6868 caret escapes for newline, double quote and caret;
 * vCard 3.0 has no escapes, so those characters are replaced. Values with `:`, `;` or `,` are
 * quoted.
 */
export function paramValue(value: string, version: VCardVersion): string {
  let v: string;
  if (version === 4) {
    v = value.replace(/\r\n|[\^\n\r"]/g, (c) => (c === '^' ? '^^' : c === '"' ? "^'" : '^n'));
  } else {
    v = value.replace(/\r\n|[\n\r]/g, ' ').replace(/"/g, "'");
  }
  v = v.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  return /[:;,]/.test(v) ? `"${v}"` : v;
}

/** A property name or parameter name must be `[A-Za-z0-9-]+`; anything else is a bug upstream. */
export function checkName(name: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw new Error(`invalid vCard name ${JSON.stringify(name)}`);
  return name.toUpperCase();
}

/**
 * Fold one logical line so no physical line exceeds 75 octets (without the CRLF), never splitting
 * a UTF-8 sequence (we cut between code points). Continuation lines start with one space, which
 * counts toward their 75 octets. Returns the physical lines joined by CRLF, with a final CRLF.
 */
export function foldLine(line: string, limit = 75): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = utf8Length(ch);
    if (octets + size > limit) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n') + '\r\n';
}

function utf8Length(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

export interface Param {
  name: string;
  values: readonly string[];
}

/** One content line: `NAME;PARAM=a,b:value`, folded, CRLF-terminated. `value` is already encoded. */
export function contentLine(name: string, params: readonly Param[], value: string, version: VCardVersion): string {
  let line = checkName(name);
  for (const p of params) {
    if (p.values.length === 0) continue;
    line += `;${checkName(p.name)}=${p.values.map((v) => paramValue(v, version)).join(',')}`;
  }
  // A raw value must never carry a line break: it would start a new property.
  line += `:${value.replace(/\r\n|[\r\n]/g, ' ')}`;
  return foldLine(line);
}

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compoundValue, contentLine, escapeText, foldLine, paramValue } from './text.js';
import { parseCompound, parseContentLine, unescapeText, unfold } from '../../sources/vcard/lines.js';

// Strings with the characters that matter: separators, backslashes, line breaks, multi-byte UTF-8
// (2, 3 and 4 octets) and astral code points.
const tricky = fc.string({
  unit: fc.oneof(
    fc.constantFrom(',', ';', '\\', '\n', '\r\n', ':', '"', '^', ' ', 'n', 'N'),
    fc.constantFrom('é', 'ß', '€', '字', '😀', '𝄞', 'ア'),
    fc.string({ minLength: 1, maxLength: 1 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 200,
});

function octets(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

describe('escaping', () => {
  it('unescape(escape(x)) is x for any text (newlines normalised to \\n)', () => {
    fc.assert(
      fc.property(tricky, (s) => {
        expect(unescapeText(escapeText(s))).toBe(s.replace(/\r\n|\r/g, '\n'));
      }),
    );
  });

  it('vCard 4 single text values leave semicolons alone and still read back', () => {
    fc.assert(
      fc.property(tricky, (s) => {
        const e = escapeText(s, { semicolons: false });
        for (const m of e.matchAll(/(\\*);/g)) expect(m[1]!.length % 2).toBe(0); // never an escaped ;
        expect(unescapeText(e)).toBe(s.replace(/\r\n|\r/g, '\n'));
      }),
    );
  });

  it('an escaped value has no raw separators or line breaks', () => {
    fc.assert(
      fc.property(tricky, (s) => {
        const e = escapeText(s);
        expect(e).not.toMatch(/[\r\n]/);
        // every , and ; is preceded by an odd run of backslashes
        for (const m of e.matchAll(/(\\*)[,;]/g)) expect(m[1]!.length % 2).toBe(1);
      }),
    );
  });

  it('compound values split back into the same components and list items', () => {
    fc.assert(
      fc.property(fc.array(fc.array(tricky, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 7 }), (components) => {
        const parsed = parseCompound(compoundValue(components));
        expect(parsed).toEqual(components.map((c) => c.map((s) => s.replace(/\r\n|\r/g, '\n'))));
      }),
    );
  });

  it('parameter values survive quoting and RFC 6868 (vCard 4)', () => {
    fc.assert(
      fc.property(tricky, (s) => {
        const line = contentLine('X-TEST', [{ name: 'X-P', values: [s] }], 'v', 4);
        const logical = [...unfold(line)].filter((l) => l.text !== '');
        expect(logical).toHaveLength(1);
        const parsed = parseContentLine(logical[0]!);
        const expected = s.replace(/\r\n|\r/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
        expect(parsed.params.get('X-P')).toEqual([expected]);
        expect(parsed.value).toBe('v');
      }),
    );
  });

  it('vCard 3 parameter values never carry a double quote or line break', () => {
    expect(paramValue('a "b"\nc', 3)).toBe("a 'b' c");
    expect(paramValue('a:b', 3)).toBe('"a:b"');
  });
});

describe('folding at 75 octets', () => {
  it('no physical line exceeds 75 octets, none splits a UTF-8 sequence, and unfolding restores the line', () => {
    fc.assert(
      fc.property(tricky.map((s) => s.replace(/[\r\n]/g, '')), fc.integer({ min: 0, max: 40 }), (s, pad) => {
        const line = 'NOTE:' + 'x'.repeat(pad) + s;
        const folded = foldLine(line);
        expect(folded.endsWith('\r\n')).toBe(true);
        const physical = folded.slice(0, -2).split('\r\n');
        for (const p of physical) {
          expect(octets(p)).toBeLessThanOrEqual(75);
          // each physical line is valid UTF-8 on its own: no lone surrogates, no cut sequences
          expect(Buffer.from(Buffer.from(p, 'utf8').toString('utf8'), 'utf8').equals(Buffer.from(p, 'utf8'))).toBe(true);
          expect(p).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        }
        for (const p of physical.slice(1)) expect(p.startsWith(' ')).toBe(true);
        const logical = [...unfold(folded)].filter((l) => l.text !== '');
        expect(logical.map((l) => l.text)).toEqual([line]);
      }),
    );
  });

  it('fills lines up to the limit', () => {
    const folded = foldLine('A'.repeat(200));
    const lines = folded.slice(0, -2).split('\r\n');
    expect(lines.map((l) => l.length)).toEqual([75, 75, 52]) // 75 + 74 + 51 characters, plus the leading spaces;
  });

  it('moves a 4-octet character to the next line rather than splitting it', () => {
    const folded = foldLine('B'.repeat(73) + '😀');
    const lines = folded.slice(0, -2).split('\r\n');
    expect(lines).toEqual(['B'.repeat(73), ' 😀']);
  });
});

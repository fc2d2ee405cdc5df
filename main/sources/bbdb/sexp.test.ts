import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readSexp, sexpToJson, SexpError, SexpReader } from './sexp.js';

const json = (s: string) => sexpToJson(readSexp(s));

describe('sexp reader', () => {
  it('reads strings with escapes, literal newlines, brackets and quotes inside', () => {
    expect(readSexp(String.raw`"a\nb \"q\" [x] (y) \\ \t"`)).toBe('a\nb "q" [x] (y) \\ \t');
    expect(readSexp('"line one\nline two"')).toBe('line one\nline two');
    expect(readSexp('"joined \\\nhere"')).toBe('joined here');
  });

  it('decodes octal and hex byte escapes as UTF-8, and \\u escapes', () => {
    expect(readSexp(String.raw`"M\303\274ller"`)).toBe('Müller');
    expect(readSexp(String.raw`"\xe9t\xe9"`)).toBe('été'); // not UTF-8: Latin-1 bytes
    expect(readSexp(String.raw`"caf\u00e9 \U0001F600"`)).toBe('café 😀');
  });

  it('reads nil, integers, floats, symbols with escapes, and character literals', () => {
    expect(readSexp('nil')).toBeNull();
    expect(readSexp('()')).toBeNull();
    expect(readSexp('-42')).toBe(-42);
    expect(readSexp('1.5')).toBe(1.5);
    expect(readSexp(String.raw`xf\ with\ space`)).toEqual({ kind: 'symbol', name: 'xf with space' });
    expect(readSexp('?a')).toBe(97);
    expect(readSexp('?\\n')).toBe(10);
  });

  it('reads lists, dotted pairs, vectors and nesting', () => {
    expect(json('(a "b" 1)')).toEqual(['a', 'b', 1]);
    expect(readSexp('(notes . "text")')).toEqual({ kind: 'list', items: [{ kind: 'symbol', name: 'notes' }], tail: 'text' });
    expect(readSexp('(a . nil)')).toEqual({ kind: 'list', items: [{ kind: 'symbol', name: 'a' }] });
    expect(json('[x (1 [2 "3"]) nil]')).toEqual(['x', [1, [2, '3']], null]);
    expect(json("'foo")).toEqual(['quote', 'foo']);
    expect(json('(a ; a comment\n b)')).toEqual(['a', 'b']);
  });

  it('names the line of errors: unbalanced, unterminated, stray closers', () => {
    expect(() => readSexp('(a\n(b c)\n')).toThrow(/line 1: '\(' opened on line 1 is never closed/);
    expect(() => readSexp('[a b\n c d)')).toThrow(/line 2: '\)' where '\]' was expected \(opened on line 1\)/);
    expect(() => readSexp('\n\n"abc')).toThrow(/string opened on line 3 is never closed/);
    expect(() => readSexp(')')).toThrow(SexpError);
    expect(() => readSexp('#s(hash-table)')).toThrow(/unsupported syntax/);
  });

  it('refuses nesting deep enough to blow the stack', () => {
    expect(() => readSexp('('.repeat(100_000))).toThrow(/nested deeper than/);
  });

  it('reads back any string printed with prin1-style escaping (property)', () => {
    const print = (s: string) => '"' + s.replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n') + '"';
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('\\', '"', '\n', '[', ']', '(', ')', ';', 'é', '😀'), fc.string({ minLength: 1, maxLength: 1 })) }), fc.boolean(), (s, literalNewlines) => {
        const printed = literalNewlines ? '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"' : print(s);
        const r = new SexpReader(`[${printed} ${printed}]`);
        expect(sexpToJson(r.read())).toEqual([s, s]);
      }),
    );
  });
});

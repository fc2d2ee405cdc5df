// Folding for lookup: lower case, accents removed, compatibility forms unified, whitespace
// collapsed. Stored beside every name so lookups are case- and accent-insensitive without ICU
// (SQLite's LOWER() is ASCII-only). Letters that NFKD does not decompose are mapped by hand.

const COMBINING = /\p{M}+/gu;
const SPACES = /\s+/gu;
const LETTERS: Record<string, string> = {
  ß: 'ss', ẞ: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ø: 'o', Ø: 'o', ł: 'l', Ł: 'l',
  đ: 'd', Đ: 'd', ð: 'd', Ð: 'd', þ: 'th', Þ: 'th', ı: 'i', ħ: 'h', Ħ: 'h',
};
const SPECIAL = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'gu');

export function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(COMBINING, '')
    .replace(SPECIAL, (c) => LETTERS[c] ?? c)
    .toLowerCase()
    .replace(SPACES, ' ')
    .trim();
}

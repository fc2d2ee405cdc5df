// Turning what the user typed into a full-text query without letting query syntax through:
// the text is split into words (letters and digits only), and each word is quoted (SQLite FTS5)
// or reduced to a bare lexeme (Postgres tsquery), matched as a prefix, all words required.
// `NEAR`, `OR`, `-`, `*`, `:`, quotes and parentheses typed by the user are just text.

const MAX_TERMS = 16;

/** The words of a search text, in order, without repeats; empty when nothing is searchable. */
export function searchTerms(text: string): string[] {
  const words = text.normalize('NFC').match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  const out: string[] = [];
  for (const w of words) {
    const lw = w.toLowerCase();
    if (!out.includes(lw)) out.push(lw);
    if (out.length >= MAX_TERMS) break;
  }
  return out;
}

/** An FTS5 MATCH expression: `"w1"* "w2"*` (implicit AND), or null for an empty search. */
export function fts5Query(text: string): string | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  // Words hold only letters, digits and marks, but quote (and double any quote) regardless:
  // a quoted string is always a plain phrase to FTS5.
  return terms.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' ');
}

/** A to_tsquery('simple', ...) expression: `w1:* & w2:*`, or null for an empty search. */
export function tsQuery(text: string): string | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  // Only letters and digits reach to_tsquery; anything else could be tsquery syntax.
  return terms.map((t) => `${t.replace(/[^\p{L}\p{N}]/gu, '')}:*`).filter((t) => t !== ':*').join(' & ') || null;
}

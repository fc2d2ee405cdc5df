// Plain text and links from the HTML found in feed entries, for the full-text index. Small on
// purpose: tags go, block ends become line breaks, character references are decoded. It never
// builds a DOM and never fetches anything.

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', hellip: '…', mdash: '—', ndash: '–', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', copy: '©' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(br|\/p|\/div|\/li|\/h[1-6]|\/blockquote|\/tr)\b[^>]*>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
const BARE_URL = /\bhttps?:\/\/[^\s<>"'`)\]}]+/gi;

/** http(s) links in HTML (hrefs) or text (bare URLs), resolved against `base`, deduplicated. */
export function linksIn(html: string | undefined, base?: string, max = 100): string[] {
  if (!html) return [];
  const out = new Set<string>();
  const add = (raw: string) => {
    if (out.size >= max) return;
    try {
      const u = new URL(decodeEntities(raw.trim()).replace(/[.,;:!?]+$/, ''), base);
      if (u.protocol === 'http:' || u.protocol === 'https:') out.add(u.toString());
    } catch {
      /* not a URL */
    }
  };
  for (const m of html.matchAll(HREF)) add(m[1] ?? m[2] ?? m[3] ?? '');
  for (const m of html.matchAll(BARE_URL)) add(m[0]);
  return [...out];
}

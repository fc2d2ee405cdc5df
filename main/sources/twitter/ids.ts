// External ids for X/Twitter and small helpers shared by the archive importer and the live
// workers. Numeric ids are checked here, so a hostile record cannot smuggle an arbitrary string
// into an external id.

export const SERVICE = 'twitter';

const NUMERIC_ID = /^\d{1,25}$/;

/** The id as a string of digits, or undefined when it is not one. */
export function numericId(x: unknown): string | undefined {
  const s = typeof x === 'string' ? x : typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? String(x) : undefined;
  return s !== undefined && NUMERIC_ID.test(s) ? s : undefined;
}

export const userId = (id: string): string => `twitter+user:${id}`;
export const tweetId = (id: string): string => `twitter+tweet:${id}`;
export const dmId = (id: string): string => `twitter+dm:${id}`;
export const dmGroupId = (id: string): string => `twitter+dmgroup:${id}`;
export const noteId = (id: string): string => `twitter+note:${id}`;
export const listId = (id: string): string => `twitter+list:${id}`;

/** The local part back from `twitter+tweet:123` (undefined for another kind). */
export function localTweetId(externalId: string): string | undefined {
  return externalId.startsWith('twitter+tweet:') ? numericId(externalId.slice('twitter+tweet:'.length)) : undefined;
}

export function handleName(screenName: string): string {
  return screenName.startsWith('@') ? screenName : `@${screenName}`;
}

const STATUS_URL = /^https?:\/\/(?:www\.|mobile\.)?(?:twitter|x)\.com\/(?:[A-Za-z0-9_]{1,50}|i\/web|i)\/status(?:es)?\/(\d{1,25})(?:[/?#].*)?$/;

/** The status id a twitter.com / x.com status link points at (the original's tweet_id_from_url). */
export function tweetIdFromUrl(url: string): string | undefined {
  const m = STATUS_URL.exec(url);
  return m ? m[1] : undefined;
}

/** A list external id from a list URL: `/i/lists/123` → `123`, `/owner/lists/slug` → `owner/slug`. */
export function listIdFromUrl(url: string): { id: string; name?: string; ownerHandle?: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const m1 = /^\/i\/lists\/(\d{1,25})\/?$/.exec(u.pathname);
  if (m1) return { id: m1[1]! };
  const m2 = /^\/([A-Za-z0-9_]{1,50})\/lists\/([A-Za-z0-9_-]{1,100})\/?$/.exec(u.pathname);
  if (m2) return { id: `${m2[1]!.toLowerCase()}/${m2[2]!.toLowerCase()}`, name: m2[2]!, ownerHandle: m2[1]! };
  return undefined;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/**
 * `Tue Jan 31 09:01:52 +0000 2017` (v1.1 created_at) or an ISO string → ISO string; undefined
 * when it is neither.
 */
export function parseTwitterDate(x: unknown): string | undefined {
  if (typeof x !== 'string') return undefined;
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(x);
  if (m) {
    const mon = MONTHS[m[1]!];
    if (mon === undefined) return undefined;
    const offset = (m[6] === '-' ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8]));
    const t = Date.UTC(Number(m[9]), mon, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) - offset * 60_000;
    return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(x)) {
    const t = Date.parse(x);
    return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
  }
  return undefined;
}

// Fetching one feed politely and defensively: conditional GET (ETag / Last-Modified), redirects
// followed by hand so a permanent move can update the subscription, a size cap while reading
// (never the whole body of a runaway response), gzip handled by fetch, and charset detection
// that survives feeds lying about their encoding.

export interface FeedHttpState {
  etag?: string;
  lastModified?: string;
}

export type FetchOutcome =
  | { kind: 'not-modified'; url: string; finalUrl: string; status: 304 }
  | {
      kind: 'ok';
      url: string;
      finalUrl: string;
      /** Set when every redirect on the way was permanent (301/308): the subscription should move. */
      movedTo?: string;
      status: number;
      body: string;
      contentType?: string;
      etag?: string;
      lastModified?: string;
      warnings: string[];
    };

export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
  constructor(
    message: string,
    readonly status?: number,
    /** Seconds the server asked us to wait (Retry-After). */
    readonly retryAfter?: number,
    /** 404/410: the feed is gone or moved without a redirect; still retried, but slowly. */
    readonly gone = false,
  ) {
    super(message);
  }
}

export interface FetchFeedOptions {
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
  signal?: AbortSignal;
}

const SINGLE_BYTE = /^(us-ascii|ascii|iso-?8859-\d+|latin-?1|windows-125\d|cp125\d)$/i;

function charsetOf(contentType: string | undefined): string | undefined {
  const m = contentType ? /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType) : null;
  return m ? m[1]!.toLowerCase() : undefined;
}

function isUtf8Label(l: string): boolean {
  return /^utf-?8$/i.test(l);
}

/**
 * Decode a feed body to text. Order: a BOM wins; then the HTTP charset, then the XML declaration;
 * but bytes that are not valid UTF-8 under a UTF-8 label are read as windows-1252, and valid
 * non-ASCII UTF-8 under a single-byte label is read as UTF-8 (the common lies), with a warning.
 */
export function decodeFeedBody(bytes: Uint8Array, contentType?: string): { text: string; charset: string; warnings: string[] } {
  const warnings: string[] = [];
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), charset: 'utf-8', warnings };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), charset: 'utf-16le', warnings };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), charset: 'utf-16be', warnings };
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  const xmlDecl = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  const declared = charsetOf(contentType) ?? xmlDecl;
  let valid = true;
  let utf8 = '';
  try {
    utf8 = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    valid = false;
  }
  const nonAscii = bytes.some((b) => b >= 0x80);
  if (!declared || isUtf8Label(declared)) {
    if (valid) return { text: utf8, charset: 'utf-8', warnings };
    warnings.push(`body is not valid UTF-8${declared ? ' although declared so' : ''}: read as windows-1252`);
    return { text: new TextDecoder('windows-1252').decode(bytes), charset: 'windows-1252', warnings };
  }
  if (SINGLE_BYTE.test(declared) && valid && nonAscii) {
    warnings.push(`declared ${declared} but the body is valid UTF-8: read as UTF-8`);
    return { text: utf8, charset: 'utf-8', warnings };
  }
  try {
    return { text: new TextDecoder(declared).decode(bytes), charset: declared, warnings };
  } catch {
    warnings.push(`unknown charset ${JSON.stringify(declared)}: read as UTF-8`);
    return { text: valid ? utf8 : new TextDecoder('utf-8').decode(bytes), charset: 'utf-8', warnings };
  }
}

async function readCapped(res: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const len = Number(res.headers.get('content-length'));
  if (Number.isFinite(len) && len > maxBytes) {
    await res.body?.cancel();
    throw new FeedFetchError(`${url}: response of ${len} bytes is over the ${maxBytes}-byte limit`, res.status);
  }
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new FeedFetchError(`${url}: response is over the ${maxBytes}-byte limit`, res.status);
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}

function retryAfterSeconds(v: string | null): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n) && n >= 0) return n;
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, (t - Date.now()) / 1000) : undefined;
}

export async function fetchFeed(url: string, state: FeedHttpState = {}, opts: FetchFeedOptions = {}): Promise<FetchOutcome> {
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const maxRedirects = opts.maxRedirects ?? 5;
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent ?? 'Skrode feed reader (+https://github.com/skrode)',
    accept: 'application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5',
  };
  if (state.etag) headers['if-none-match'] = state.etag;
  if (state.lastModified) headers['if-modified-since'] = state.lastModified;

  let current = url;
  let permanent = true;
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await fetch(current, { headers, redirect: 'manual', signal });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new FeedFetchError(`${current}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    if (res.status >= 300 && res.status < 400 && res.status !== 304) {
      const loc = res.headers.get('location');
      await res.body?.cancel();
      if (!loc) throw new FeedFetchError(`${current}: redirect ${res.status} without a Location`, res.status);
      if (hop >= maxRedirects) throw new FeedFetchError(`${url}: more than ${maxRedirects} redirects`, res.status);
      const next = new URL(loc, current);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new FeedFetchError(`${current}: redirect to a non-http URL ${next.protocol}`, res.status);
      if (res.status !== 301 && res.status !== 308) permanent = false;
      current = next.toString();
      continue;
    }
    if (res.status === 304) {
      await res.body?.cancel();
      return { kind: 'not-modified', url, finalUrl: current, status: 304 };
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new FeedFetchError(`${current}: HTTP ${res.status} ${res.statusText}`.trim(), res.status, retryAfterSeconds(res.headers.get('retry-after')), res.status === 404 || res.status === 410);
    }
    const bytes = await readCapped(res, maxBytes, current);
    const contentType = res.headers.get('content-type') ?? undefined;
    const decoded = decodeFeedBody(bytes, contentType);
    const etag = res.headers.get('etag') ?? undefined;
    const lastModified = res.headers.get('last-modified') ?? undefined;
    return {
      kind: 'ok',
      url,
      finalUrl: current,
      ...(current !== url && permanent ? { movedTo: current } : {}),
      status: res.status,
      body: decoded.text,
      ...(contentType ? { contentType } : {}),
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
      warnings: decoded.warnings,
    };
  }
}

// Which links the app may hand to the operating system (shell.openExternal). Profile links come
// from imported data and API answers, so they are hostile: only web pages and mail addresses
// leave the app, never file:, javascript:, custom schemes (which launch other programs) or
// URLs carrying credentials.

const ALLOWED_PROTOCOLS = new Set(['https:', 'http:', 'mailto:']);
const MAX_URL_LENGTH = 4096;

/** The URL, normalised, when it is safe to open outside the app; otherwise null. */
export function safeExternalUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return null;
  // Control characters and whitespace inside a URL are how scheme checks get fooled.
  if (/[\u0000-\u0020\u007f-\u009f]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) return null;
  if (url.protocol === 'mailto:') return /^[^@/\\]+@[^@/\\]+$/.test(decodeURIComponentSafe(url.pathname)) ? url.href : null;
  if (url.username || url.password) return null;
  if (!url.hostname || !/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/i.test(url.hostname)) return null;
  // Pages on this machine are not "external": a link must not reach local services.
  if (isLoopbackOrLocal(url.hostname)) return null;
  return url.href;
}

export function isSafeExternalUrl(raw: unknown): boolean {
  return safeExternalUrl(raw) !== null;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}

function isLoopbackOrLocal(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '[::1]' || h === '0.0.0.0' || /^127\./.test(h) || h === '[::]';
}

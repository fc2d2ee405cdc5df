// The policy of `skrode serve`, as pure functions: which Host headers are ours (DNS rebinding),
// how the per-run token is carried and compared, which static file a URL path may name, and the
// headers every response carries. server.ts applies them; guards.test.ts tries to get past them.

import { timingSafeEqual } from 'node:crypto';
import path from 'node:path';

export const TOKEN_COOKIE = 'skrode_token';
export const TOKEN_HEADER = 'x-skrode-token';

/**
 * Strict CSP for the renderer: only our own scripts, styles and API; no inline script, no eval,
 * no framing, no plugins, no form posts. React sets styles through the CSSOM, which CSP allows.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers on every response. Deliberately no Access-Control-* header of any kind. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), payment=()',
};

/** The Host header values a browser sends for our own origin; anything else is a rebound name. */
export function isAllowedHost(host: unknown, port: number): boolean {
  if (typeof host !== 'string') return false;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** An Origin header, when a browser sends one, must be our own origin too. */
export function isAllowedOrigin(origin: unknown, port: number): boolean {
  if (origin === undefined) return true;
  if (typeof origin !== 'string') return false;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

export function tokensEqual(given: unknown, token: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(token, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: unknown, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function tokenCookie(token: string): string {
  // HttpOnly: scripts never see it; SameSite=Strict: other sites' pages never send it.
  return `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/**
 * The file under `root` a URL path names, or null when it names nothing servable: encoded
 * traversal, NUL bytes, backslashes, dot files and anything resolving outside `root` are refused.
 * `/` and unknown extensionless paths (client routes) are the index.
 */
export function staticFile(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (!decoded.startsWith('/')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return null;
  if (segments.length === 0) return path.join(root, 'index.html');
  const resolved = path.resolve(root, ...segments);
  const base = path.resolve(root);
  if (!resolved.startsWith(base + path.sep)) return null;
  return resolved;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string | undefined {
  return TYPES[path.extname(file).toLowerCase()];
}

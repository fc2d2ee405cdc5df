// Which file of the built renderer an app:// URL names. The protocol handler serves nothing
// else: a URL that resolves outside the renderer folder (traversal, encoded traversal, absolute
// paths, NUL bytes, backslashes, another host) is refused.

import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './sender.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** The absolute path under `root` that `rawUrl` names, or null. `/` is the index. */
export function resolveAppPath(rawUrl: unknown, root: string): string | null {
  if (typeof rawUrl !== 'string' || rawUrl.length > 8192) return null;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel === '' || rel === '/') rel = '/index.html';
  const segments = rel.split('/').filter((s) => s.length > 0);
  // No dot files or dot segments at all: the build has none, and they are how traversal starts.
  if (segments.some((s) => s.startsWith('.'))) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  if (!file.startsWith(base + path.sep)) return null;
  return file;
}

export function contentTypeOf(file: string): string | null {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? null;
}

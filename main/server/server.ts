// `skrode serve`'s HTTP server: the SkrodeApi as `POST /api/<method>` with a JSON body, and the
// built renderer as static files, on 127.0.0.1 only. Every request passes the guards of
// ./guards.ts first: our own Host (no DNS rebinding), the per-run token (from the printed URL
// once, then an HttpOnly SameSite=Strict cookie, or a header), our own Origin on API calls, JSON
// only, bounded bodies. No CORS headers are ever sent, so other origins cannot read anything.

import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiErrorDto, ApiResult, SkrodeApi } from '../../shared/api.js';
import { dispatch } from '../api/dispatch.js';
import { contentType, cookieValue, isAllowedHost, isAllowedOrigin, SECURITY_HEADERS, staticFile, TOKEN_COOKIE, TOKEN_HEADER, tokenCookie, tokensEqual } from './guards.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServeOptions {
  api: SkrodeApi;
  /** The built renderer (index.html and assets/). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** The per-run secret; random (256 bits) unless a test gives one. */
  token?: string;
  /** Called for each API call that failed unexpectedly (logging). */
  onError?: (method: string, error: ApiErrorDto) => void;
}

export interface RunningServer {
  port: number;
  token: string;
  /** The URL to open: carries the token once; the server swaps it for a cookie. */
  url: string;
  close(): Promise<void>;
}

const STATUS_OF: Record<ApiErrorDto['kind'], number> = { invalid: 400, 'not-found': 404, conflict: 409, unavailable: 503, internal: 500 };

function send(res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)), ...extra });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: ApiResult<unknown>, extra: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8', extra);
}

function refuse(res: http.ServerResponse, status: number, message: string, api: boolean): void {
  if (api) sendJson(res, status, { ok: false, error: { kind: status === 404 ? 'not-found' : 'invalid', message } });
  else send(res, status, `${message}\n`);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  let port = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const isApi = rawUrl.startsWith('/api/');
    // 1. Only our own name: a page on evil.example rebound to 127.0.0.1 sends Host: evil.example.
    if (!isAllowedHost(req.headers.host, port)) return refuse(res, 421, 'wrong Host header: open the URL skrode serve printed', isApi);
    let url: URL;
    try {
      url = new URL(rawUrl, `http://127.0.0.1:${port}`);
    } catch {
      return refuse(res, 400, 'bad URL', isApi);
    }

    // 2. The token: from the printed URL (swapped for a cookie at once), the cookie, or a header.
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null && req.method === 'GET' && !isApi) {
      if (!tokensEqual(fromQuery, token)) return refuse(res, 401, 'wrong token: open the URL skrode serve printed', false);
      // Drop the token from the address bar (and from history) straight away.
      // Always to `/`: echoing the path back could make `//evil.example` an open redirect.
      send(res, 303, 'see /\n', 'text/plain; charset=utf-8', { location: '/', 'set-cookie': tokenCookie(token) });
      return;
    }
    const given = req.headers[TOKEN_HEADER] ?? cookieValue(req.headers.cookie, TOKEN_COOKIE);
    if (!tokensEqual(given, token)) return refuse(res, 401, 'not signed in: open the URL skrode serve printed (it carries this run\'s token)', isApi);

    if (isApi) return handleApi(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed', false);
    return serveStatic(req, res, url);
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') return refuse(res, 405, 'the API takes POST only', true);
    // 3. Our own page only (a cross-site form or fetch carries another Origin).
    if (!isAllowedOrigin(req.headers.origin, port)) return refuse(res, 403, 'cross-origin request refused', true);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return refuse(res, 415, 'the API takes application/json only', true);
    if (url.search !== '') return refuse(res, 400, 'the API takes no query string', true);
    const method = url.pathname.slice('/api/'.length);
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === 'too-large') return refuse(res, 413, `request body over ${MAX_BODY_BYTES} bytes`, true);
    let args: unknown;
    if (body.length > 0) {
      try {
        args = JSON.parse(body.toString('utf8'));
      } catch {
        return refuse(res, 400, 'request body is not JSON', true);
      }
    }
    const t0 = performance.now();
    const result = await dispatch(options.api, method, args);
    if (!result.ok && result.error.kind === 'internal') options.onError?.(method, result.error);
    // Server-Timing: how long the API itself took, so the UI benchmark can tell it from transport.
    sendJson(res, result.ok ? 200 : STATUS_OF[result.error.kind], result, { 'server-timing': `api;dur=${(performance.now() - t0).toFixed(2)}` });
  }

  function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const file = staticFile(options.rendererDir, url.pathname);
    if (!file) return refuse(res, 404, 'not found', false);
    let st;
    try {
      st = statSync(file);
    } catch {
      st = undefined;
    }
    if (!st?.isFile()) return refuse(res, 404, 'not found', false);
    const type = contentType(file);
    if (!type) return refuse(res, 404, 'not found', false);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': type,
      'content-length': String(st.size),
      // Hashed asset names never change; the index must always be fresh.
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'private, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: never reachable from another machine.
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

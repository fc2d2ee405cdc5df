// The renderer is served from app://skrode/ through protocol.handle, never from file:// (a file
// page may read any other file): each request is resolved against the built renderer folder by
// resolveAppPath and anything else is a 404. Every response carries the strict CSP header.

import { readFile } from 'node:fs/promises';
import { APP_RESPONSE_HEADERS } from './policy/csp.js';
import { contentTypeOf, resolveAppPath } from './policy/app-path.js';
import { APP_SCHEME } from './policy/sender.js';

/** What registerSchemesAsPrivileged is given, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  // standard: relative URLs and the origin work like http; secure: the renderer gets a secure
  // context. No bypassCSP, no fetch/CORS privileges: nothing else may read app:// pages.
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, bypassCSP: false, stream: false },
} as const;

export interface ProtocolLike {
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** The handler alone (a function of a Request), so the tests call it directly. */
export function appProtocolHandler(root: string, read: (file: string) => Promise<Uint8Array> = readFile): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers = { ...APP_RESPONSE_HEADERS };
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('method not allowed', { status: 405, headers });
    const file = resolveAppPath(request.url, root);
    const type = file && contentTypeOf(file);
    if (!file || !type) return new Response('not found', { status: 404, headers });
    let body: Uint8Array;
    try {
      body = await read(file);
    } catch {
      return new Response('not found', { status: 404, headers });
    }
    return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers: { ...headers, 'content-type': type } });
  };
}

export function registerAppProtocol(protocol: ProtocolLike, root: string): void {
  protocol.handle(APP_SCHEME, appProtocolHandler(root));
}

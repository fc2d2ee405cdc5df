// The twitter-api-v2 client built from a `!skrode/twitter` descriptor (main/config/tags/twitter.ts).
// Secrets stay inside the client: nothing here logs or stringifies the descriptor, and the token
// is known to the rate-limit budget only by a hash.
//
// twitter-api-v2 has no base-URL option; for `base_url` (a local fake API in tests, or a proxy) a
// plugin rewrites each request's URL, and an http.Agent lets its https.request speak plain HTTP
// (TOOLCHAIN.md §6).
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { TwitterApi } from 'twitter-api-v2';
import type { TwitterDescriptor } from '../../../config/index.js';

interface RequestParams {
  params: { url: string | URL };
}

function redirectPlugin(base: URL) {
  const rewrite = ({ params }: RequestParams) => {
    const raw = String(params.url);
    const u = new URL(raw.startsWith('http') ? raw : `https://${raw}`);
    u.protocol = base.protocol;
    u.host = base.host;
    // Keep any path prefix of the base (a proxy mounted under /x-api/).
    if (base.pathname !== '/' && !u.pathname.startsWith(base.pathname)) u.pathname = base.pathname.replace(/\/$/, '') + u.pathname;
    params.url = u.toString();
  };
  return { onBeforeRequestConfig: rewrite, onBeforeStreamRequestConfig: rewrite };
}

export interface TwitterClient {
  api: TwitterApi;
  /** The x-rate-limit-* of the last answer this client received (the budget left in its window). */
  lastRateLimit?: { limit: number; remaining: number; reset: number };
  /** A stable, non-secret key for this token (for the shared rate-limit budget). */
  tokenKey: string;
  /** Whether the client acts for a user (OAuth 1.0a); app-only bearer tokens cannot read timelines. */
  userContext: boolean;
  sleepOnRateLimit: boolean;
}

export function createTwitterClient(d: TwitterDescriptor): TwitterClient {
  const base = d.baseUrl ? new URL(d.baseUrl) : undefined;
  const settings: ConstructorParameters<typeof TwitterApi>[1] = {};
  // Filled in below; the plugin records every answer's rate-limit headers on it.
  const holder: { client?: TwitterClient } = {};
  const observeRateLimit = {
    onAfterRequest({ response }: { response: { rateLimit?: { limit: number; remaining: number; reset: number } } }) {
      if (holder.client && response.rateLimit) holder.client.lastRateLimit = { ...response.rateLimit };
    },
  };
  settings.plugins = [observeRateLimit];
  if (base) {
    settings.plugins.push(redirectPlugin(base));
    settings.httpAgent = base.protocol === 'http:' ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true });
  }
  let api: TwitterApi;
  let secret: string;
  if (d.oauth1) {
    api = new TwitterApi({ ...d.oauth1 }, settings);
    secret = `oauth1:${d.oauth1.appKey}:${d.oauth1.accessToken}`;
  } else if (d.bearerToken) {
    api = new TwitterApi(d.bearerToken, settings);
    secret = `bearer:${d.bearerToken}`;
  } else throw new Error('!skrode/twitter needs bearer_token or the four OAuth 1.0a keys');
  holder.client = {
    api,
    tokenKey: createHash('sha256').update(secret).digest('hex').slice(0, 16),
    userContext: !!d.oauth1,
    sleepOnRateLimit: d.sleepOnRateLimit ?? true,
  };
  return holder.client;
}

/** Is this a `!skrode/twitter` descriptor (as a worker argument)? */
export function isTwitterDescriptor(x: unknown): x is TwitterDescriptor {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'twitter';
}

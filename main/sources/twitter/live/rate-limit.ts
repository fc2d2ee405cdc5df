// One rate-limit budget per token, shared by every worker on every host.
//
// X limits each endpoint per token per 15-minute window. When a call answers 429 (or says it has
// no requests left), the window's reset time is written to the store's cursors table, which every
// worker thread and every host shares (the SQLite file, or the Postgres database): before each
// call a worker reads it and waits for the reset instead of hammering the API. Transient failures
// (5xx, network) are thrown to the queue, which retries with backoff.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiResponseError } from 'twitter-api-v2';
import type { Store } from '../../../store/port.js';

export const RATE_SOURCE = 'twitter-rate-limit';

/** The call failed in a way a retry later may fix (429 beyond the wait we accept, 5xx, network). */
export class TransientApiError extends Error {
  override name = 'TransientApiError';
}

/** The credentials were refused (401/403 on auth): no retry will help until the config changes. */
export class ApiAuthError extends Error {
  override name = 'ApiAuthError';
}

export interface RateGateOptions {
  /** Longest wait we accept inside one call; beyond it the call fails and the queue retries later. */
  maxWaitMs?: number;
  now?: () => number;
  signal?: AbortSignal;
  log?: (m: string) => void;
}

export class RateGate {
  private readonly maxWaitMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly tokenKey: string,
    private readonly opts: RateGateOptions = {},
  ) {
    this.maxWaitMs = opts.maxWaitMs ?? 16 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  private key(endpoint: string): string {
    return `${this.tokenKey}:${endpoint}`;
  }

  /** When the budget for this endpoint opens again (ms since epoch), or 0. */
  async blockedUntil(endpoint: string): Promise<number> {
    const v = await this.store.getCursor(RATE_SOURCE, this.key(endpoint));
    const t = v ? Number(v) : 0;
    return Number.isFinite(t) ? t : 0;
  }

  async block(endpoint: string, untilMs: number): Promise<void> {
    const had = await this.blockedUntil(endpoint);
    if (untilMs > had) await this.store.setCursor(RATE_SOURCE, this.key(endpoint), String(untilMs));
  }

  /** Wait (if allowed) until the endpoint's budget is open; throws TransientApiError otherwise. */
  async wait(endpoint: string, sleepOnRateLimit: boolean): Promise<void> {
    const until = await this.blockedUntil(endpoint);
    const wait = until - this.now();
    if (wait <= 0) return;
    if (!sleepOnRateLimit || wait > this.maxWaitMs) throw new TransientApiError(`rate limited on ${endpoint} until ${new Date(until).toISOString()}`);
    this.opts.log?.(`rate limited on ${endpoint}: waiting ${Math.ceil(wait / 1000)} s for the window to reset`);
    await sleep(wait, undefined, this.opts.signal ? { signal: this.opts.signal } : undefined);
  }

  /**
   * Run one API call under the budget: wait for an open window, call, and on 429 record the
   * reset (from `x-rate-limit-reset`) for everyone, wait, and try again.
   */
  async call<T>(endpoint: string, sleepOnRateLimit: boolean, fn: () => Promise<T>, lastRateLimit?: () => { remaining: number; reset: number } | undefined): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.wait(endpoint, sleepOnRateLimit);
      try {
        const result = await fn();
        // The answer says the window is used up: close it for everyone now, before anyone
        // spends a request on a certain 429.
        const rl = lastRateLimit?.();
        if (rl && rl.remaining <= 0 && rl.reset > 0) await this.block(endpoint, rl.reset * 1000);
        return result;
      } catch (e) {
        if (e instanceof ApiResponseError) {
          if (e.code === 429) {
            const reset = resetMs(e) ?? this.now() + 60_000;
            await this.block(endpoint, reset);
            if (attempt < 3) continue;
            throw new TransientApiError(`rate limited on ${endpoint} (429) until ${new Date(reset).toISOString()}`);
          }
          if (e.code === 401 || (e.code === 403 && e.isAuthError)) throw new ApiAuthError(`X API refused the credentials (${e.code}) on ${endpoint}: check the !skrode/twitter keys`);
          if (e.code >= 500) throw new TransientApiError(`X API ${e.code} on ${endpoint}`);
          throw e;
        }
        if (e instanceof Error && /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|socket hang up/i.test(e.message)) throw new TransientApiError(`X API unreachable on ${endpoint}: ${e.message}`);
        throw e;
      }
    }
  }
}

function resetMs(e: ApiResponseError): number | undefined {
  const fromLib = e.rateLimit?.reset;
  if (typeof fromLib === 'number' && fromLib > 0) return fromLib * 1000;
  const h = e.headers?.['x-rate-limit-reset'];
  const n = Number(Array.isArray(h) ? h[0] : h);
  return Number.isFinite(n) && n > 0 ? n * 1000 : undefined;
}

// The feed worker's work: poll every subscribed feed that is due, a few at a time. Each feed
// is on its own: a failure (network, HTTP error, not a feed) only backs that feed off
// exponentially (honouring Retry-After) and is reported; the others carry on. Unchanged feeds
// cost a 304 thanks to ETag / Last-Modified.
import type { Observation } from '../../model/observations.js';
import { validateObservation } from '../../model/validate.js';
import type { Store } from '../../store/port.js';
import { FeedFetchError, fetchFeed, type FetchFeedOptions } from './fetch.js';
import { feedToObservations } from './observations.js';
import type { Subscription } from './opml.js';
import { FeedParseError, parseFeedDocument } from './parse.js';
import { loadFeedState, loadSubscriptions, saveFeedState, type FeedState } from './subscriptions.js';

export interface FeedPollerOptions {
  store: Pick<Store, 'apply' | 'getCursor' | 'setCursor'>;
  /** Normal time between polls of one feed. */
  intervalMs?: number;
  /** First retry delay after a failure; doubles per consecutive failure. */
  retryMs?: number;
  maxBackoffMs?: number;
  /** Feeds polled at once. */
  concurrency?: number;
  /** Feed URLs from config.yml, polled besides the imported subscriptions. */
  extraFeeds?: string[];
  fetch?: FetchFeedOptions;
  now?: () => number;
  /** 0..1 → jitter; injectable so tests are deterministic. */
  random?: () => number;
  onProblem?: (p: { feed: string; reason: string; record?: string }) => void;
  signal?: AbortSignal;
}

export interface FeedPollResult {
  url: string;
  outcome: 'ok' | 'not-modified' | 'failed' | 'not-due';
  entries?: number;
  error?: string;
  nextPollAt?: number;
}

export interface PollReport {
  feeds: FeedPollResult[];
  observations: number;
}

const HOUR = 3600_000;

export class FeedPoller {
  private readonly interval: number;
  private readonly retry: number;
  private readonly maxBackoff: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly opts: FeedPollerOptions) {
    this.interval = opts.intervalMs ?? HOUR;
    this.retry = opts.retryMs ?? 5 * 60_000;
    this.maxBackoff = opts.maxBackoffMs ?? 24 * HOUR;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  /** The delay before the next try after `failures` consecutive failures. */
  backoff(failures: number, err?: FeedFetchError): number {
    let d = Math.min(this.maxBackoff, this.retry * 2 ** Math.max(0, failures - 1));
    if (err?.gone) d = Math.max(d, Math.min(this.maxBackoff, 6 * HOUR));
    if (err?.retryAfter !== undefined) d = Math.max(d, Math.min(this.maxBackoff, err.retryAfter * 1000));
    return Math.round(d * (0.9 + 0.2 * this.random()));
  }

  async subscriptions(): Promise<Subscription[]> {
    const subs = await loadSubscriptions(this.opts.store);
    const known = new Set(subs.map((s) => s.url));
    for (const url of this.opts.extraFeeds ?? []) if (!known.has(url)) subs.push({ url, folder: [] });
    return subs;
  }

  /** Poll one feed now, whatever its schedule. Never throws for the feed's own failures. */
  async pollFeed(sub: Subscription): Promise<FeedPollResult> {
    const store = this.opts.store;
    const state: FeedState = await loadFeedState(store, sub.url);
    const started = this.now();
    const fetchUrl = state.movedTo ?? sub.url;
    try {
      // The validators were saved from the URL we fetch (the moved one, once moved).
      const res = await fetchFeed(fetchUrl, state, { ...this.opts.fetch, ...(this.opts.signal ? { signal: this.opts.signal } : {}) });
      if (res.kind === 'not-modified') {
        const next: FeedState = { ...state, failures: 0, lastOkAt: started, nextPollAt: started + this.jittered(this.interval) };
        delete next.lastError;
        await saveFeedState(store, sub.url, next);
        return { url: sub.url, outcome: 'not-modified', nextPollAt: next.nextPollAt };
      }
      for (const w of res.warnings) this.opts.onProblem?.({ feed: sub.url, reason: w });
      const parsed = parseFeedDocument(res.body, res.finalUrl);
      for (const w of parsed.warnings) this.opts.onProblem?.({ feed: sub.url, reason: w });
      const obs: Observation[] = [];
      for (const o of feedToObservations(sub.url, parsed, { provenance: { source: `feed:${sub.url}` }, seenAt: new Date(started).toISOString() })) {
        try {
          obs.push(validateObservation(o));
        } catch (e) {
          this.opts.onProblem?.({ feed: sub.url, record: o.provenance.record ?? '', reason: `dropped a ${o.type}: ${(e as Error).message}` });
        }
      }
      if (obs.length) await store.apply(obs);
      const next: FeedState = { failures: 0, lastOkAt: started, nextPollAt: started + this.jittered(this.interval) };
      if (res.etag) next.etag = res.etag;
      if (res.lastModified) next.lastModified = res.lastModified;
      const moved = res.movedTo ?? state.movedTo;
      if (moved && moved !== sub.url) next.movedTo = moved;
      await saveFeedState(store, sub.url, next);
      this.observations += obs.length;
      return { url: sub.url, outcome: 'ok', entries: parsed.entries.length, nextPollAt: next.nextPollAt };
    } catch (e) {
      if (this.opts.signal?.aborted) throw e;
      const err = e as Error;
      const failures = state.failures + 1;
      const delay = this.backoff(failures, err instanceof FeedFetchError ? err : undefined);
      const reason = err instanceof FeedFetchError || err instanceof FeedParseError ? err.message : `${err.name}: ${err.message}`;
      const next: FeedState = { ...state, failures, nextPollAt: started + delay, lastError: reason };
      await saveFeedState(store, sub.url, next);
      this.opts.onProblem?.({ feed: sub.url, reason: `${reason} (failure ${failures}; next try in ${Math.round(delay / 60_000)} min)` });
      return { url: sub.url, outcome: 'failed', error: reason, nextPollAt: next.nextPollAt };
    }
  }

  private observations = 0;

  private jittered(ms: number): number {
    return Math.round(ms * (0.95 + 0.1 * this.random()));
  }

  /** Poll every feed that is due (all of them with `force`), `concurrency` at a time. */
  async pollDue(force = false): Promise<PollReport> {
    this.observations = 0;
    const subs = await this.subscriptions();
    const now = this.now();
    const results: FeedPollResult[] = new Array(subs.length);
    let next = 0;
    const worker = async () => {
      while (next < subs.length) {
        if (this.opts.signal?.aborted) return;
        const i = next++;
        const sub = subs[i]!;
        if (!force) {
          const st = await loadFeedState(this.opts.store, sub.url);
          if (st.nextPollAt > now) {
            results[i] = { url: sub.url, outcome: 'not-due', nextPollAt: st.nextPollAt };
            continue;
          }
        }
        results[i] = await this.pollFeed(sub);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.opts.concurrency ?? 4, subs.length)) }, worker));
    return { feeds: results.filter(Boolean), observations: this.observations };
  }
}

// Where the feed worker finds its feeds and remembers each one's HTTP state. Both live in the
// store's ingest cursors (the Store port's source bookkeeping), so they follow the database
// (SQLite or Postgres) and survive restarts without a table of their own:
//   feeds / subscriptions  → JSON list of subscriptions (from `skrode import x.opml` and config)
//   feed-state / <url>     → JSON FeedState for that feed
import type { Store } from '../../store/port.js';
import type { Subscription } from './opml.js';

export const SUBSCRIPTIONS_SOURCE = 'feeds';
export const SUBSCRIPTIONS_KEY = 'subscriptions';
export const FEED_STATE_SOURCE = 'feed-state';

export interface FeedState {
  etag?: string;
  lastModified?: string;
  /** Where the feed permanently moved (301/308); fetched from there, still keyed by its first URL. */
  movedTo?: string;
  /** Consecutive failures; 0 after a success. */
  failures: number;
  /** Epoch ms of the next poll. */
  nextPollAt: number;
  lastOkAt?: number;
  lastError?: string;
}

export type CursorStore = Pick<Store, 'getCursor' | 'setCursor'>;

export async function loadSubscriptions(store: CursorStore): Promise<Subscription[]> {
  const raw = await store.getCursor(SUBSCRIPTIONS_SOURCE, SUBSCRIPTIONS_KEY);
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? (v as Subscription[]).filter((s) => s && typeof s.url === 'string') : [];
  } catch {
    return [];
  }
}

/** Add subscriptions (by URL; a known URL gets the newer title and folder). Returns how many were new. */
export async function addSubscriptions(store: CursorStore, subs: Subscription[]): Promise<number> {
  const current = await loadSubscriptions(store);
  const byUrl = new Map(current.map((s) => [s.url, s]));
  let added = 0;
  for (const s of subs) {
    if (!byUrl.has(s.url)) added++;
    byUrl.set(s.url, { ...byUrl.get(s.url), ...s });
  }
  await store.setCursor(SUBSCRIPTIONS_SOURCE, SUBSCRIPTIONS_KEY, JSON.stringify([...byUrl.values()]));
  return added;
}

export async function loadFeedState(store: CursorStore, url: string): Promise<FeedState> {
  const raw = await store.getCursor(FEED_STATE_SOURCE, url);
  if (raw) {
    try {
      const v = JSON.parse(raw) as FeedState;
      if (typeof v.failures === 'number' && typeof v.nextPollAt === 'number') return v;
    } catch {
      /* a damaged state means polling afresh */
    }
  }
  return { failures: 0, nextPollAt: 0 };
}

export async function saveFeedState(store: CursorStore, url: string, state: FeedState): Promise<void> {
  await store.setCursor(FEED_STATE_SOURCE, url, JSON.stringify(state));
}

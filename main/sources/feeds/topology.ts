// Topology worker for feeds. In config.yml:
//
//   feeds:
//     type: periodic
//     every: 300                 # seconds between runs: each run polls the feeds that are due
//     target: feeds:poll_feeds
//     interval: 3600             # seconds between two polls of one feed (default 1 hour)
//     feeds: [https://example.org/feed.xml]   # besides those imported with `skrode import x.opml`
import type { WorkerContext } from '../../topology/context.js';
import { FeedPoller } from './poller.js';

export async function pollFeeds(args: Record<string, unknown>, ctx: WorkerContext): Promise<void> {
  const extra = args.feeds;
  if (extra !== undefined && !(Array.isArray(extra) && extra.every((u) => typeof u === 'string'))) throw new Error(`worker ${ctx.worker}: feeds must be a list of URLs`);
  const interval = args.interval === undefined ? undefined : Number(args.interval);
  if (interval !== undefined && !(interval > 0)) throw new Error(`worker ${ctx.worker}: interval must be a number of seconds`);
  const store = await ctx.store();
  const poller = new FeedPoller({
    store,
    ...(extra ? { extraFeeds: extra as string[] } : {}),
    ...(interval ? { intervalMs: interval * 1000 } : {}),
    signal: ctx.signal,
    onProblem: (p) => ctx.log(`feed ${p.feed}${p.record ? ` ${p.record}` : ''}: ${p.reason}`),
  });
  const r = await poller.pollDue();
  const by = (o: string) => r.feeds.filter((f) => f.outcome === o).length;
  ctx.log(`feeds: ${by('ok')} updated, ${by('not-modified')} unchanged, ${by('failed')} failed, ${by('not-due')} not due; ${r.observations} observations`);
}

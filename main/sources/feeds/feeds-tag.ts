// `!skrode/feeds`: a feed worker as one tagged value, the form the Sources page writes. Listed in
// `workers:`, it runs as the periodic worker `feeds:poll_feeds` (./topology.ts) with these keys
// as its arguments:
//
//   blogs: !skrode/feeds
//     feeds: [https://example.org/feed.xml]
//     interval: 3600          # seconds between two polls of one feed
//     every: 300              # seconds between runs of the worker
//   workers: [blogs]
import { integer, list, object, optional, url } from '../../config/fields.js';
import { registerTag } from '../../config/registry.js';

export interface FeedsSourceDescriptor {
  kind: 'feeds';
  feeds: string[];
  interval?: number;
  every: number;
}

export const feedsTag = registerTag({
  tag: 'skrode/feeds',
  kinds: ['map'],
  summary: 'feeds (a list of feed URLs), interval, every',
  shape: object({
    feeds: list(url(['http:', 'https:'])),
    interval: optional(integer({ min: 60, max: 7 * 86_400 })),
    every: optional(integer({ min: 10, max: 86_400 }), 300),
  }),
  build: (v): FeedsSourceDescriptor => ({ kind: 'feeds', ...v }),
  source: {
    label: 'Web feeds (RSS, Atom, JSON Feed)',
    description: 'Polls these feeds (and the ones imported from OPML files) and keeps their authors and posts.',
    suggestedKey: 'blogs',
    worker: { type: 'periodic', target: 'feeds:poll_feeds', defaults: { every: 300 } },
    fields: {
      feeds: { label: 'Feed URLs', hint: 'one per line' },
      interval: { label: 'Seconds between two polls of one feed', hint: 'default 3600' },
      every: { label: 'Seconds between runs', hint: 'default 300' },
    },
  },
});

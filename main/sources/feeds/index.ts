// Feeds: the OPML importer for `skrode import`, and the poller the periodic feed worker runs.
import { registerImporter, registeredImporters } from '../importer.js';
import { opmlImporter } from './opml-importer.js';

export { FeedPoller, type FeedPollerOptions, type PollReport } from './poller.js';
export { importOpml } from './opml-importer.js';
export { parseFeedDocument } from './parse.js';
export { fetchFeed } from './fetch.js';

/** Register the feed importers once (safe to call again). */
export function registerFeedImporters(): void {
  if (!registeredImporters().some((i) => i.name === opmlImporter.name)) registerImporter(opmlImporter);
}

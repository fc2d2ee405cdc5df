// Registers every file importer `skrode import` knows. Each source folder exports its own
// register function; this is the one place that lists them. Sources are imported lazily so that
// commands which never import files do not load their parsers.
import { registerImporter, registeredImporters } from './importer.js';
import { jsonlImporter } from './jsonl/importer.js';

let done: Promise<void> | undefined;

export function registerAllImporters(): Promise<void> {
  done ??= (async () => {
    registerImporter(jsonlImporter);
    const [twitter, email, feeds, interchange] = await Promise.all([
      import('./twitter/index.js'),
      import('./email/index.js'),
      import('./feeds/index.js'),
      import('./interchange.js'),
    ]);
    twitter.registerTwitterImporters();
    email.registerEmailImporters();
    feeds.registerFeedImporters();
    interchange.registerInterchangeImporters();
  })();
  return done;
}

export { registeredImporters };

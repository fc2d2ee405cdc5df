// What the user's config.yml sets up, for the Sources page: the file, and every tagged value
// (stores, queues, Redis, source accounts) with secrets redacted by the config loader's own
// redaction. Read-only: sources are changed through ./sources.ts, anything else in the file.

import type { ConfigurationDto } from '../../shared/api.js';
import { loadConfig } from '../config/index.js';

/** Tags that only stand for a secret's source; their values say nothing about the setup. */
const HIDDEN_TAGS = new Set(['skrode/env', 'skrode/keychain']);

export function readConfiguration(config: string | undefined): ConfigurationDto {
  try {
    const c = loadConfig(config === undefined ? {} : { config });
    const seen = new Set<unknown>();
    const entries = c
      .lazies()
      .filter((l) => !HIDDEN_TAGS.has(l.tag) && !seen.has(l) && seen.add(l))
      .map((l) => ({ keyPath: l.keyPath, tag: l.tag, value: (l.toJSON() as Record<string, unknown>)[`!${l.tag}`] }));
    return { file: c.configFile, origin: c.origin, entries, error: null };
  } catch (e) {
    return { file: config ?? null, origin: config ? 'flag' : 'defaults', entries: [], error: (e as Error).message };
  }
}

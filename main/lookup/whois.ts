// `skrode whois PATTERN`: look a person up and print them (./format.ts). Kept apart from the
// command module so the CLI loads it only when whois runs.
import type { LookupHit } from '../../shared/people.js';
import { lookup } from './engine.js';
import { formatMutt, formatWhois } from './format.js';
import { openLookup, type OpenLookupOptions } from './open.js';

export interface WhoisOptions extends OpenLookupOptions {
  limit?: number;
  exact?: boolean;
  json?: boolean;
  mutt?: boolean;
}

export interface Output {
  write(s: string): unknown;
}

/** Print what `pattern` finds; the exit code: 0 found, 1 nothing matched. */
export async function runWhois(pattern: string, options: WhoisOptions, out: Output, err: Output): Promise<number> {
  const opened = await openLookup(options);
  let hits: LookupHit[];
  try {
    hits = await lookup(opened.backend, opened.people, pattern, { limit: options.limit, exact: options.exact });
  } finally {
    await opened.close();
  }
  if (options.json) out.write(`${JSON.stringify(hits, null, 2)}\n`);
  else if (options.mutt) out.write(formatMutt(pattern, hits));
  else if (hits.length > 0) out.write(formatWhois(hits.map((h) => h.person)));
  if (hits.length === 0) {
    if (!options.json && !options.mutt) err.write(`skrode whois: nobody matches ${JSON.stringify(pattern)}\n`);
    return 1;
  }
  return 0;
}

// The archive importer against the real SQLite store: counts after import, idempotent re-import,
// an older archive followed by a newer overlapping one, followers named from mentions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../store/sqlite/index.js';
import type { Store } from '../../store/port.js';
import type { ImportProblem } from '../importer.js';
import { generateArchive, type GeneratedArchive } from './generate-archive.js';
import { xArchiveImporter } from './index.js';
import { zipFolder } from './zip-writer.js';

let tmp: string;
let gen: GeneratedArchive;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skrode-xstore-'));
  gen = generateArchive(join(tmp, 'archive'), { tweets: 300, tweetsPerPart: 100, seed: 11 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function importInto(store: Store, path: string) {
  const problems: ImportProblem[] = [];
  const summary = await xArchiveImporter.run(path, { store, problem: (p) => problems.push(p), progress: () => {} });
  return { summary, problems };
}

describe('X archive → SQLite store', () => {
  it('imports, and importing the same archive again leaves identical counts', async () => {
    const store = await openSqliteStore(join(tmp, 'a.db'));
    try {
      const zip = join(tmp, 'a.zip');
      await zipFolder(gen.dir, zip);
      const first = await importInto(store, zip);
      expect(first.problems).toEqual([]);
      const c1 = await store.counts();
      expect(c1.posts).toBeGreaterThanOrEqual(gen.expect.tweets - gen.expect.retweetsWithOriginal + gen.expect.dms + gen.expect.groupDms);
      expect(c1.accountRelationships).toBe(gen.expect.followers + gen.expect.following + 2);
      expect(c1.interactions).toBeGreaterThanOrEqual(gen.expect.likes + gen.expect.retweetsWithOriginal);
      expect(first.summary.counts['new posts']).toBeGreaterThan(0);

      const again = await importInto(store, zip);
      expect(again.problems).toEqual([]);
      expect(await store.counts()).toEqual(c1);
      for (const [k, v] of Object.entries(again.summary.counts)) if (k.startsWith('new ') && k !== 'new names') expect([k, v]).toEqual([k, 0]);

      // The owner is the user's own human; a follower seen in mentions is found with its handle.
      const owner = await store.person('twitter+user:3128746474');
      expect(JSON.stringify(owner)).toContain('@skrode_owner');
      expect(JSON.stringify(owner)).toContain('owner@example.org');
      const followerId = readFileSync(join(gen.dir, 'data', 'follower.js'), 'utf8').match(/"accountId"\s*:\s*"(\d+)"/)![1]!;
      const follower = await store.person(`twitter+user:${followerId}`);
      expect(follower).not.toBeNull();
      // Every follower mentioned anywhere in the tweets has its handle; the others are ids only.
      const followers = store.readDb
        .prepare(
          `select a.external_id as id, (select count(*) from names n where n.account = a.id and n.kind = 'handle' and n.name like '@user\\_%' escape '\\') as handles, (select count(*) from names n where n.account = a.id) as names
           from account_relationships r join accounts a on a.id = r.from_account join accounts me on me.id = r.to_account
           where r.kind = 'follows' and me.external_id = 'twitter+user:3128746474'`,
        )
        .all() as { id: string; handles: number; names: number }[];
      expect(followers.length).toBe(gen.expect.followers);
      expect(followers.filter((f) => f.handles > 0).length).toBe(gen.expect.followersMentioned);
      expect(followers.filter((f) => f.names === 0).length).toBe(gen.expect.followers - gen.expect.followersMentioned);
    } finally {
      await store.close();
    }
  });

  it('an older archive, then a newer overlapping one, ends with the same counts as the newer alone', async () => {
    const older = join(tmp, 'older');
    cpSync(gen.dir, older, { recursive: true });
    // The older archive lacks the last tweets part, and the long posts (so its truncated tweets
    // get their full text only from the newer archive: the edit path).
    rmSync(join(older, 'data', 'tweets-part2.js'));
    rmSync(join(older, 'data', 'note-tweet.js'));
    const mpath = join(older, 'data', 'manifest.js');
    const text = readFileSync(mpath, 'utf8');
    const m = JSON.parse(text.slice(text.indexOf('=') + 1)) as { dataTypes: Record<string, { files: { fileName: string }[] }> };
    m.dataTypes.tweets!.files = m.dataTypes.tweets!.files.filter((f) => f.fileName !== 'data/tweets-part2.js');
    delete m.dataTypes.noteTweet;
    writeFileSync(mpath, `window.__THAR_CONFIG = ${JSON.stringify(m)}`);

    const both = await openSqliteStore(join(tmp, 'both.db'));
    const alone = await openSqliteStore(join(tmp, 'alone.db'));
    try {
      const o = await importInto(both, older);
      expect(o.problems).toEqual([]);
      const afterOlder = await both.counts();
      const n = await importInto(both, gen.dir);
      expect(n.problems).toEqual([]);
      const afterNewer = await both.counts();
      expect(afterNewer.posts).toBeGreaterThan(afterOlder.posts);
      await importInto(alone, gen.dir);
      expect(afterNewer).toEqual(await alone.counts());
    } finally {
      await both.close();
      await alone.close();
    }
  });
});

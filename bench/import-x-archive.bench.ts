// import-x-archive: tweets per second importing a generated X archive (zip) into the SQLite store
// through `skrode import`'s importer, against a baseline in the same run: parse the same tweets
// files with JSON.parse and insert plain rows (id, text, time, raw) in one transaction.
// Scale 1 = 1M tweets. Target: ratio ≥ 0.4; peak RSS during the import < 400 MB.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBench } from './lib.js';
import { openSqliteStore } from '../main/store/sqlite/index.js';
import { generateArchiveZip } from '../main/sources/twitter/generate-archive.js';
import { xArchiveImporter } from '../main/sources/twitter/index.js';

await runBench('import-x-archive', async ({ scale, dir, log }) => {
  const tweets = Math.max(1000, Math.round(1_000_000 * scale));
  log(`generating an archive of ${tweets} tweets`);
  const g = await generateArchiveZip(join(dir, 'archive'), join(dir, 'archive.zip'), { tweets, seed: 1 });

  // --- the importer, into the real store (writer thread) ---
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const store = await openSqliteStore(join(dir, 'skrode.db'));
  let problems = 0;
  const t0 = performance.now();
  const summary = await xArchiveImporter.run(g.zip, { store, problem: () => void problems++, progress: () => {} });
  const importSecs = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const counts = await store.counts();
  await store.close();
  if (summary.counts.tweets !== tweets) throw new Error(`imported ${summary.counts.tweets} tweets, expected ${tweets}`);
  if (problems) throw new Error(`${problems} problems importing a clean archive`);
  log(`import: ${importSecs.toFixed(1)} s, ${counts.posts} posts, ${counts.accounts} accounts, ${summary.observations} observations`);

  // --- baseline: JSON.parse the same tweets files, insert plain rows ---
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE tweets (id TEXT PRIMARY KEY, text TEXT, at TEXT, raw TEXT)');
  const ins = db.prepare('INSERT OR IGNORE INTO tweets VALUES (?, ?, ?, ?)');
  const files = readdirTweets(g.dir);
  const t1 = performance.now();
  let n = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const items = JSON.parse(text.slice(text.indexOf('=') + 1)) as { tweet: { id_str: string; full_text: string; created_at: string } }[];
    db.transaction(() => {
      for (const { tweet } of items) {
        ins.run(tweet.id_str, tweet.full_text, tweet.created_at, JSON.stringify(tweet));
        n++;
      }
    })();
  }
  const baseSecs = (performance.now() - t1) / 1000;
  db.close();
  if (n !== tweets) throw new Error(`baseline inserted ${n}, expected ${tweets}`);

  return {
    value: tweets / importSecs,
    baseline: tweets / baseSecs,
    unit: 'tweets/s',
    extra: {
      tweets,
      'import seconds': importSecs,
      'baseline seconds': baseSecs,
      'observations': summary.observations,
      'peak RSS MB (import)': peak / 2 ** 20,
      'RSS before import MB': rss0 / 2 ** 20,
    },
  };
});

function readdirTweets(dir: string): string[] {
  const m = readFileSync(join(dir, 'data', 'manifest.js'), 'utf8');
  const manifest = JSON.parse(m.slice(m.indexOf('=') + 1)) as { dataTypes: { tweets: { files: { fileName: string }[] } } };
  return manifest.dataTypes.tweets.files.map((f) => join(dir, f.fileName));
}

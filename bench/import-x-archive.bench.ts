// import-x-archive: tweets per second importing a generated X archive (zip) into the SQLite store
// through `skrode import`'s importer, against a baseline in the same run: parse the same
// data files with JSON.parse and insert plain rows (tweets as id, text, time, raw) per file.
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

  // --- baseline: JSON.parse the same data files, insert plain rows ---
  // Every data file the importer reads (tweets, likes, DMs, follows ...), parsed whole with
  // JSON.parse, one plain row per element; tweets as (id, text, time, raw).
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE tweets (id TEXT PRIMARY KEY, text TEXT, at TEXT, raw TEXT); CREATE TABLE items (file TEXT, n INTEGER, raw TEXT)');
  const insTweet = db.prepare('INSERT OR IGNORE INTO tweets VALUES (?, ?, ?, ?)');
  const insItem = db.prepare('INSERT INTO items VALUES (?, ?, ?)');
  const t1 = performance.now();
  let n = 0;
  for (const { file, type } of dataFiles(g.dir)) {
    const text = readFileSync(file, 'utf8');
    const items = JSON.parse(text.slice(text.indexOf('=') + 1)) as Record<string, unknown>[];
    db.transaction(() => {
      items.forEach((item, i) => {
        if (type === 'tweets') {
          const t = item.tweet as { id_str: string; full_text: string; created_at: string };
          insTweet.run(t.id_str, t.full_text, t.created_at, JSON.stringify(t));
          n++;
        } else insItem.run(file, i, JSON.stringify(item));
      });
    })();
  }
  const baseSecs = (performance.now() - t1) / 1000;
  db.close();
  if (n !== tweets) throw new Error(`baseline inserted ${n} tweets, expected ${tweets}`);

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

/** The data files of the archive's manifest that the importer reads. */
function dataFiles(dir: string): { file: string; type: string }[] {
  const m = readFileSync(join(dir, 'data', 'manifest.js'), 'utf8');
  const manifest = JSON.parse(m.slice(m.indexOf('=') + 1)) as { dataTypes: Record<string, { files?: { fileName: string }[] }> };
  return Object.entries(manifest.dataTypes).flatMap(([type, v]) => (v.files ?? []).map((f) => ({ file: join(dir, f.fileName), type })));
}

// import-mbox: messages per second importing a generated Takeout-style mbox into the SQLite store
// through `skrode import`'s mbox importer (split, parse, capture policies, store apply, resume
// cursor), against a baseline in the same run: split and parse the same mbox with mailparser
// without storing anything. Scale 1 = a 1 GB mbox. Target: ratio ≥ 0.5; peak RSS < 300 MB.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBench } from './lib.js';
import { openSqliteStore } from '../main/store/sqlite/index.js';
import { generateMbox } from '../main/sources/email/generate-mbox.js';
import { importMbox } from '../main/sources/email/mbox-importer.js';
import { splitMbox } from '../main/sources/email/mbox-split.js';
import { parseMessage } from '../main/sources/email/capture.js';

await runBench('import-mbox', async ({ scale, dir, log }) => {
  const bytes = Math.max(1 << 20, Math.round(1024 ** 3 * scale));
  log(`generating a ${(bytes / 2 ** 20).toFixed(0)} MB mbox`);
  const g = await generateMbox(join(dir, 'takeout.mbox'), { bytes, seed: 1 });
  log(`${g.messages} messages`);

  // --- baseline: split and parse, store nothing ---
  globalThis.gc?.();
  const t1 = performance.now();
  let parsed = 0;
  for await (const m of splitMbox(g.path)) {
    await parseMessage(m.data, m.truncated);
    parsed++;
  }
  const baseSecs = (performance.now() - t1) / 1000;
  if (parsed !== g.messages) throw new Error(`baseline parsed ${parsed} messages, expected ${g.messages}`);

  // --- the importer, into the real store (writer thread) ---
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  let peakHeap = 0;
  let peakAnon = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers);
    peakAnon = Math.max(peakAnon, anonRss());
  }, 50);
  const store = await openSqliteStore(join(dir, 'skrode.db'));
  let problems = 0;
  const t0 = performance.now();
  const summary = await importMbox(g.path, { store, problem: () => void problems++, progress: () => {}, options: { email: { self: ['me@example.net'] } } });
  const importSecs = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const counts = await store.counts();
  await store.close();
  if (summary.counts.read !== g.messages) throw new Error(`imported ${summary.counts.read} messages, expected ${g.messages}`);
  if (problems) throw new Error(`${problems} problems importing a clean mbox`);
  log(`import: ${importSecs.toFixed(1)} s, ${counts.posts} posts, ${counts.accounts} accounts, ${summary.observations} observations`);

  return {
    value: g.messages / importSecs,
    baseline: g.messages / baseSecs,
    unit: 'messages/s',
    extra: {
      messages: g.messages,
      'mbox MB': g.bytes / 2 ** 20,
      'import seconds': importSecs,
      'baseline seconds': baseSecs,
      observations: summary.observations,
      'peak RSS MB (import)': peak / 2 ** 20,
      'peak anonymous RSS MB (import; RSS without mmapped database pages)': peakAnon / 2 ** 20,
      'peak JS heap + buffers MB (import, main thread)': peakHeap / 2 ** 20,
      'RSS before import MB': rss0 / 2 ** 20,
    },
  };
});

/** Private anonymous memory of the whole process (all threads), from /proc; 0 where unavailable. */
function anonRss(): number {
  try {
    const m = /RssAnon:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

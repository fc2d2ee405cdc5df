// The writer client keeps the process alive exactly while something of its own is waiting. A
// process whose top-level await waits on a writer call while nothing referenced is left ends with
// code 13 ("unsettled top-level await"): these scripts await long writer calls and close() at top
// level, with nothing else keeping the event loop alive, and must end normally.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function runScript(body: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'skrode-writer-client-'));
  dirs.push(dir);
  const script = join(dir, 'script.mts');
  const index = new URL('./index.ts', import.meta.url).pathname;
  writeFileSync(script, `import { openSqliteStore } from ${JSON.stringify(index)};\nconst path = ${JSON.stringify(join(dir, 'a.db'))};\n${body}`);
  return spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000, cwd: process.cwd() });
}

describe('WriterClient liveness', () => {
  it('keeps the process alive through long calls, back-to-back calls and close(), awaited at top level', () => {
    const run = runScript(`
const store = await openSqliteStore(path);
const batch = (k) => Array.from({ length: 2000 }, (_, i) => ({ type: 'post', externalId: 'twitter+tweet:' + (k * 2000 + i), poster: 'twitter+user:' + (i % 50), text: 'words and more words ' + i, raw: { i, k }, provenance: { source: 't' } }));
let posts = 0;
for (let k = 0; k < 5; k++) posts += (await store.apply(batch(k))).posts;
// two in flight at once, then the close right behind the last answer
const [a, b] = await Promise.all([store.apply(batch(5)), store.apply(batch(6))]);
posts += a.posts + b.posts;
await store.close();
await store.close();
console.log('posts', posts);
`);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('posts 14000');
    expect(run.status).toBe(0);
  });

  it('still ends normally when the writer thread dies while calls and close() wait', () => {
    const run = runScript(`
const store = await openSqliteStore(path);
const pending = store.apply([{ type: 'account', externalId: 'twitter+user:1', provenance: { source: 't' } }]).then(() => 'applied', (e) => e.name);
void store.writer.terminate();
const closed = store.close().then(() => 'closed', (e) => 'close failed ' + e.message);
console.log(await pending, await closed);
const after = await store.apply([{ type: 'account', externalId: 'twitter+user:2', provenance: { source: 't' } }]).then(() => 'applied', (e) => e.name);
console.log(after);
`);
    expect(run.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^(applied|WriterExitedError) closed$/), 'WriterExitedError']);
    expect(run.status).toBe(0);
  });
});

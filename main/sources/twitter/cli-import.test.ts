// `skrode import` (the built CLI, as a user runs it) on generated X archives: detection, the
// summary, identical counts after a second import, and a hostile archive reported by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../store/sqlite/index.js';
import { packageRoot } from '../../util/worker-entry.js';
import { generateArchiveZip, type GeneratedArchive } from './generate-archive.js';
import { writeZip } from './zip-writer.js';

const cli = join(packageRoot(), 'bin', 'skrode.js');
const built = existsSync(join(packageRoot(), 'out', 'cli.js')) && existsSync(join(packageRoot(), 'out', 'workers', 'writer.js'));
if (!built) process.stderr.write('\n*** out/cli.js is missing: run `npm run build` (npm test does) ***\n');

let tmp: string;
let gen: GeneratedArchive & { zip: string };

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skrode-xcli-'));
  gen = await generateArchiveZip(join(tmp, 'archive'), join(tmp, 'twitter-archive.zip'), { tweets: 200, seed: 21 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function skrode(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: tmp, env: { ...process.env, SKRODE_DATA_DIR: join(tmp, 'data') }, timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.runIf(built)('skrode import on an X archive', () => {
  it('detects the zip, imports it, and a second import changes no count', async () => {
    const db = join(tmp, 'skrode.db');
    const first = skrode('--db', db, 'import', '--quiet', gen.zip);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/as x-archive/);
    expect(first.out).toMatch(/200 tweets/);
    let store = await openSqliteStore(db);
    const c1 = await store.counts();
    await store.close();
    expect(c1.posts).toBeGreaterThan(200);

    const second = skrode('--db', db, 'import', '--quiet', gen.zip);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/0 new posts/);
    store = await openSqliteStore(db);
    expect(await store.counts()).toEqual(c1);
    await store.close();

    // The unpacked folder is the same archive.
    const third = skrode('--db', db, 'import', '--quiet', gen.dir);
    expect(third.code, third.out).toBe(0);
    store = await openSqliteStore(db);
    expect(await store.counts()).toEqual(c1);
    await store.close();
  });

  it('a hostile zip: the unsafe entry and the broken file are named, the rest is imported', async () => {
    const zip = join(tmp, 'hostile.zip');
    const data = join(gen.dir, 'data');
    await writeZip(zip, [
      { name: 'data/manifest.js', from: { path: join(data, 'manifest.js') } },
      { name: '../../../tmp/evil.js', from: { bytes: 'window.YTD.x.part0 = []' } },
      { name: 'data/account.js', from: { path: join(data, 'account.js') } },
      { name: 'data/tweets.js', from: { path: join(data, 'tweets.js') } },
      { name: 'data/like.js', from: { bytes: 'window.YTD.like.part0 = [ {"like": {"tweetId": "1"}}, {"like": {"tweetId": ' } },
    ]);
    const r = skrode('--db', join(tmp, 'hostile.db'), 'import', '--quiet', zip);
    expect(r.out).toMatch(/\.\.\/\.\.\/\.\.\/tmp\/evil\.js/);
    expect(r.out).toMatch(/data\/like\.js.*truncated/);
    expect(r.out).toMatch(/200 tweets/);
    const store = await openSqliteStore(join(tmp, 'hostile.db'));
    expect((await store.counts()).interactions).toBeGreaterThanOrEqual(1);
    await store.close();
  });
});

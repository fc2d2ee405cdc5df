// `skrode topology run` follows config.yml, as a real process on a SQLite store: a change to the
// file restarts the topology from it (a newly added worker drains its queue), a config that cannot
// be used is reported while the running topology carries on, SIGHUP reloads, and SIGINT still
// stops it with exit 0. Items pushed across the restarts are all done, once each.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directExecutor } from '../../main/queue/sqlite/executor.js';
import { SqliteJobQueue } from '../../main/queue/sqlite/sqlite-queue.js';
import { openSqlite } from '../../main/store/sqlite/open.js';
import { packageRoot } from '../../main/util/worker-entry.js';
import { startHost, type Host } from './servers.js';

const fixtures = join(packageRoot(), 'test', 'topology', 'fixtures', 'targets.mjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('skrode topology run: following config.yml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skrode-follow-'));
  const hosts: Host[] = [];
  afterAll(() => {
    for (const h of hosts) if (h.proc.exitCode === null) h.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const db = join(dir, 'store.db');
  const config = join(dir, 'config.yml');
  const out = (q: string) => join(dir, `${q}.out`);
  const worker = (q: string) => `${q}: {type: map, target: "${fixtures}:slowRecord", source: !skrode/queue {key: /queue/${q}, lease_ms: 2000}, out: ${out(q)}, started: ${join(dir, `${q}.started`)}}\n`;
  /** Saved as the Sources page saves it: a temporary file renamed over the old one. */
  const save = (text: string) => {
    writeFileSync(config + '.tmp', text);
    renameSync(config + '.tmp', config);
  };
  const queue = (q: string) => new SqliteJobQueue(`/queue/${q}`, directExecutor(openSqlite(db), { owned: true }));

  it('restarts on a change, keeps running on a bad one, reloads on SIGHUP, stops on SIGINT', async () => {
    save(`# my topology\nstore: !skrode/sqlite ${db}\n${worker('a')}workers: [a]\n`);
    openSqlite(db).close();
    const qa = queue('a');
    const qb = queue('b');
    await qa.pushMany([{ payload: 1 }, { payload: 2 }]);
    await qb.pushMany([{ payload: 'b1' }]);
    const h = startHost(config, 'follow', dir);
    hosts.push(h);
    const log = () => readFileSync(h.log, 'utf8');
    await until('worker a to drain its queue', () => lines(out('a')).length === 2);
    expect(lines(out('b'))).toHaveLength(0); // no worker for b yet

    // A second worker added to the file: the topology restarts and b's item is done.
    save(`# my topology\nstore: !skrode/sqlite ${db}\n${worker('a')}${worker('b')}workers: [a, b]\n`);
    await until('worker b to start after the change', () => lines(out('b')).length === 1);
    expect(log()).toContain('config.yml changed: restarting the topology');

    // A broken file is reported; the running topology carries on with both workers.
    save(`# my topology\nstore: !skrode/sqlite ${db}\n${worker('a')}${worker('b')}workers: [a, b, nosuch]\n`);
    await until('the bad config to be reported', () => log().includes('cannot be used; the running topology carries on'));
    await qa.pushMany([{ payload: 3 }]);
    await qb.pushMany([{ payload: 'b2' }]);
    await until('both workers to keep working', () => lines(out('a')).length === 3 && lines(out('b')).length === 2);

    // SIGHUP reloads from the file as it is (fixed back to worker a alone).
    writeFileSync(config, `store: !skrode/sqlite ${db}\n${worker('a')}${worker('b')}workers: [a]\n`);
    await sleep(600); // the watcher also sees this write; let it restart first
    const restarts = () => (log().match(/restarting the topology/g) ?? []).length;
    const before = restarts();
    h.proc.kill('SIGHUP');
    await until('SIGHUP to restart the topology', () => log().includes('SIGHUP: restarting the topology') && restarts() > before);
    await qa.pushMany([{ payload: 4 }]);
    await qb.pushMany([{ payload: 'b3' }]);
    await until('worker a to take the new item', () => lines(out('a')).length === 4);
    await sleep(1500);
    expect(lines(out('b'))).toHaveLength(2); // b is no longer configured: its item waits

    h.proc.kill('SIGINT');
    expect(await h.exited).toBe(0);
    expect(lines(out('a')).map((l) => JSON.parse(l).item).sort()).toEqual([1, 2, 3, 4]);
    expect(await qa.stats()).toMatchObject({ ready: 0, inflight: 0, dead: 0 });
    expect(await qb.stats()).toMatchObject({ ready: 1, inflight: 0 });
    await qa.close();
    await qb.close();
  }, 90_000);
});

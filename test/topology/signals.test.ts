// `skrode topology run` and its signals, as a real process on a SQLite store: SIGINT lets the
// item in hand finish; a second SIGINT forces the stop at once; in both cases every item is
// still done exactly once in the end (the forced one comes back when its lease lapses).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('skrode topology run: signals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skrode-signals-'));
  const hosts: Host[] = [];
  afterAll(() => {
    for (const h of hosts) if (h.proc.exitCode === null) h.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  function setup(name: string, delayMs: number) {
    const db = join(dir, `${name}.db`);
    const out = join(dir, `${name}.out`);
    const started = join(dir, `${name}.started`);
    const config = join(dir, `${name}-${delayMs}.yml`);
    writeFileSync(
      config,
      `store: !skrode/sqlite ${db}
q: &q !skrode/queue {key: /queue/sig, lease_ms: 1000}
slow: {type: map, target: "${fixtures}:slowRecord", source: *q, delay_ms: ${delayMs}, out: ${out}, started: ${started}}
workers: [slow]
`,
    );
    return { db, out, started, config };
  }

  async function push(db: string, n: number) {
    openSqlite(db).close();
    const q = new SqliteJobQueue('/queue/sig', directExecutor(openSqlite(db), { owned: true }));
    await q.pushMany(Array.from({ length: n }, (_, i) => ({ payload: i })));
    return q;
  }

  it('SIGINT: the item in hand is finished before the process exits', async () => {
    const t = setup('graceful', 1500);
    const q = await push(t.db, 3);
    const h = startHost(t.config, 'sig', dir);
    hosts.push(h);
    while (lines(t.started).length < 1) await sleep(20);
    h.proc.kill('SIGINT');
    expect(await h.exited).toBe(0);
    expect(lines(t.out)).toHaveLength(1); // the item in hand, finished
    expect(await q.stats()).toMatchObject({ ready: 2, inflight: 0 });
    expect(readFileSync(h.log, 'utf8')).toContain('SIGINT: stopping');
    await q.close();
  }, 60_000);

  it('a second SIGINT forces the stop; the interrupted item comes back and nothing is lost', async () => {
    const t = setup('forced', 60_000);
    const q = await push(t.db, 3);
    const h = startHost(t.config, 'sig', dir);
    hosts.push(h);
    while (lines(t.started).length < 1) await sleep(20);
    h.proc.kill('SIGINT');
    await sleep(500);
    expect(h.proc.exitCode).toBe(null); // still finishing the 60 s item
    const t0 = Date.now();
    h.proc.kill('SIGINT');
    await h.exited;
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(readFileSync(h.log, 'utf8')).toContain('again: forcing the stop');
    expect(lines(t.out)).toHaveLength(0);
    // Run again with a fast handler: all three items are done, once each.
    const again = setup('forced', 0);
    const h2 = startHost(again.config, 'sig', dir);
    hosts.push(h2);
    const t1 = Date.now();
    while (lines(t.out).length < 3 && Date.now() - t1 < 20_000) await sleep(50);
    h2.proc.kill('SIGTERM');
    expect(await h2.exited).toBe(0);
    expect(lines(t.out).map((l) => JSON.parse(l).item).sort()).toEqual([0, 1, 2]);
    expect(await q.stats()).toMatchObject({ ready: 0, inflight: 0, dead: 0 });
    await q.close();
  }, 60_000);

  it('status marks the workers of a supervisor killed with SIGKILL as stale', async () => {
    const t = setup('stale', 0);
    const q = await push(t.db, 1);
    const h = startHost(t.config, 'doomed', dir);
    hosts.push(h);
    while (lines(t.out).length < 1) await sleep(20);
    // Until a heartbeat has recorded the item.
    const reader = openSqlite(t.db, { readonly: true });
    const beat = reader.prepare('select done from worker_status where host = ?');
    while (((beat.get('doomed') as { done: number } | undefined)?.done ?? 0) < 1) await sleep(50);
    reader.close();
    h.proc.kill('SIGKILL');
    await h.exited;
    await sleep(800);
    const r = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'skrode.js'), '-c', t.config, 'topology', 'status', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, SKRODE_STATUS_STALE_MS: '500' },
    });
    const status = JSON.parse(r.stdout) as { workers: { host: string; state: string; stale: boolean; done: number }[] };
    expect(status.workers).toEqual([expect.objectContaining({ host: 'doomed', state: 'running', stale: true, done: 1 })]);
    const text = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'skrode.js'), '-c', t.config, 'topology', 'status'], { encoding: 'utf8', env: { ...process.env, SKRODE_STATUS_STALE_MS: '500' } });
    expect(text.stdout).toMatch(/doomed slow#0: running, STALE since .*; restarts 0, done 1, failed 0/);
    expect(text.stdout).toMatch(/\/queue\/sig \(sqlite\): ready 0, delayed 0, in flight 0, dead 0/);
    await q.close();
  }, 60_000);
});

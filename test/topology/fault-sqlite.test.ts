// The single-user topology under kill -9: one `skrode topology run` process on a SQLite store
// with the jobs-table queue, SIGKILLed at random moments while it works through a stream of
// items and started again, SKRODE_FAULT_TRIALS times (default 8). Every item's effect (an account
// applied through the Store port) must be in the store exactly once.
import { mkdtempSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directExecutor } from '../../main/queue/sqlite/executor.js';
import { SqliteJobQueue } from '../../main/queue/sqlite/sqlite-queue.js';
import { openSqlite } from '../../main/store/sqlite/open.js';
import { packageRoot } from '../../main/util/worker-entry.js';
import { startHost, type Host } from './servers.js';

const TRIALS = Number(process.env.SKRODE_FAULT_TRIALS ?? 8);
const fixtures = join(packageRoot(), 'test', 'topology', 'fixtures', 'effects.mjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('single-user topology (SQLite store and queue) under kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skrode-fault-sqlite-'));
  const hosts: Host[] = [];
  afterAll(() => {
    for (const h of hosts) if (h.proc.exitCode === null) h.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(`loses and doubles nothing across ${TRIALS} SIGKILLs of the supervisor`, async () => {
    const db = join(dir, 'skrode.db');
    const log = join(dir, 'deliveries.log');
    const config = join(dir, 'config.yml');
    writeFileSync(
      config,
      `store: !skrode/sqlite ${db}
items: &items !skrode/queue {key: /queue/fault/items, attempts: 50, backoff: 100, backoff_max_ms: 1000, lease_ms: 2000}
recorder: {type: map, target: "${fixtures}:recordAccount", source: *items, concurrency: 4, run: local, log: ${log}, delay_ms: 30}
workers: [recorder, recorder]
`,
    );
    openSqlite(db).close();
    const q = new SqliteJobQueue('/queue/fault/items', directExecutor(openSqlite(db), { owned: true }));
    let host = startHost(config, 'laptop', dir);
    hosts.push(host);
    let N = 0;
    let stop = false;
    const producing = (async () => {
      while (!stop) {
        await q.pushMany(Array.from({ length: 5 }, (_, i) => ({ payload: { n: N + i }, dedupKey: `item-${N + i}` })));
        N += 5;
        await sleep(40);
      }
    })();
    const logged = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
    for (let t = 0; t < TRIALS; t++) {
      const before = logged().length;
      const t0 = Date.now();
      while (logged().length < before + 5 && Date.now() - t0 < 30_000) await sleep(20);
      await sleep(Math.random() * 300);
      host.proc.kill('SIGKILL');
      await host.exited;
      hosts.push((host = startHost(config, 'laptop', dir)));
    }
    stop = true;
    await producing;
    const t0 = Date.now();
    for (;;) {
      const s = await q.stats();
      if (s.ready + s.delayed + s.inflight === 0) break;
      if (Date.now() - t0 > 90_000) throw new Error(`not drained: ${JSON.stringify(s)}`);
      await sleep(200);
    }
    host.proc.kill('SIGTERM');
    expect(await host.exited).toBe(0);
    expect((await q.stats()).dead).toBe(0);
    await q.close();

    const check = openSqlite(db, { readonly: true });
    const r = check.prepare(`select count(*) as rows, count(distinct external_id) as d from accounts where external_id like 'github+user:local-%'`).get() as { rows: number; d: number };
    check.close();
    const lines = logged();
    const redeliveries = lines.filter((l) => Number(l.split(' ')[2]) > 1).length;
    process.stdout.write(`FAULT sqlite-kill-9: trials=${TRIALS} items=${N} stored=${r.d} lost=${N - r.d} duplicates=${r.rows - r.d} deliveries-logged=${lines.length} redeliveries=${redeliveries}\n`);
    expect(r).toEqual({ rows: N, d: N });
    expect(new Set(lines.map((l) => l.split(' ')[1])).size).toBe(N);
  }, 300_000);
});

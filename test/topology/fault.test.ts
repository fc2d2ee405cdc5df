// Fault tests of the multi-host topology, with real processes and real servers:
// - two `skrode topology run` processes (two "hosts") compete for one Redis queue and write to
//   Postgres; supervisors are killed with SIGKILL at random moments and restarted, many times:
//   every item's effect must be in the store exactly once;
// - Redis is killed and restarted mid-run, then Postgres: workers reconnect, nothing is lost;
// - a poison item lands in the dead-letter list after N attempts while the others flow.
// Redis and Postgres here are our own throwaway servers (servers.ts), except the shared
// Postgres `test` database, used in a schema of our own. SKRODE_FAULT_TRIALS sets the number of
// kill -9 trials (default 8); each test prints a FAULT summary line.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisJobQueue } from '../../main/queue/redis/bullmq-queue.js';
import { openPostgresStore } from '../../main/store/postgres/index.js';
import { packageRoot } from '../../main/util/worker-entry.js';
import { binaryAvailable, PG_URL, postgresAvailable } from '../services.js';
import { startHost, startPostgresCluster, startRedis, type Host, type RedisServer } from './servers.js';

const TRIALS = Number(process.env.SKRODE_FAULT_TRIALS ?? 8);
const fixtures = join(packageRoot(), 'test', 'topology', 'fixtures', 'effects.mjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const canRun = (await postgresAvailable()) && (await binaryAvailable('redis-server', '/usr/bin/redis-server')) && (await binaryAvailable('PostgreSQL 15 initdb', '/usr/lib/postgresql/15/bin/initdb'));

interface Setup {
  dir: string;
  config: string;
  run: string;
  schema: string;
  prefix: string;
  log: string;
}

function writeConfig(dir: string, o: { redisUrl: string; pgUrl: string; schema: string; prefix: string; attempts: number; replicas: number; delayMs: number }): Setup {
  const run = `r${randomBytes(4).toString('hex')}`;
  const log = join(dir, `deliveries-${run}.log`);
  const config = join(dir, `config-${run}.yml`);
  writeFileSync(
    config,
    `redis: &redis !skrode/redis {url: "${o.redisUrl}", prefix: ${o.prefix}}
store: !skrode/sql {url: "${o.pgUrl}", schema: ${o.schema}}
items: &items !skrode/queue {conn: *redis, key: /queue/fault/items, attempts: ${o.attempts}, backoff: 100, backoff_max_ms: 1000, lease_ms: 2000}
recorder:
  type: map
  target: "${fixtures}:recordAccount"
  source: *items
  concurrency: 4
  run: ${run}
  log: ${log}
  delay_ms: ${o.delayMs}
workers: [${Array(o.replicas).fill('recorder').join(', ')}]
`,
  );
  return { dir, config, run, schema: o.schema, prefix: o.prefix, log };
}

async function storeAccounts(pgUrl: string, schema: string, run: string): Promise<{ rows: number; distinct: number; names: number }> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    const r = await c.query<{ rows: string; distinct: string }>(`select count(*) as rows, count(distinct external_id) as distinct from "${schema}".accounts where external_id like $1`, [`github+user:${run}-%`]);
    const n = await c.query<{ n: string }>(`select count(*) as n from "${schema}".names where name like $1`, [`fault ${run} %`]);
    return { rows: Number(r.rows[0]!.rows), distinct: Number(r.rows[0]!.distinct), names: Number(n.rows[0]!.n) };
  } finally {
    await c.end();
  }
}

function deliveries(log: string): { lines: number; items: Set<number>; hosts: Set<string>; redeliveries: number } {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return {
    lines: lines.length,
    items: new Set(lines.map((l) => Number(l.split(' ')[1]))),
    hosts: new Set(lines.map((l) => l.split(' ')[0]!)),
    // Deliveries after the first: the item's previous holder died (or failed) before acking.
    redeliveries: lines.filter((l) => Number(l.split(' ')[2]) > 1).length,
  };
}

async function drained(q: RedisJobQueue, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const s = await q.stats();
    if (s.ready + s.delayed + s.inflight === 0) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`queue not drained after ${timeoutMs} ms: ${JSON.stringify(s)}`);
    await sleep(200);
  }
}

/** Push items 0..n-1 in small batches, with a pause between them, while a fault is injected. */
async function produce(q: RedisJobQueue, n: number): Promise<void> {
  for (let i = 0; i < n; i += 5) {
    await q.pushMany(Array.from({ length: 5 }, (_, k) => ({ payload: { n: i + k }, dedupKey: `item-${i + k}` })));
    await sleep(30);
  }
}

async function stopHosts(hosts: Host[]): Promise<(number | null)[]> {
  for (const h of hosts) if (h.proc.exitCode === null) h.proc.kill('SIGTERM');
  return Promise.all(hosts.map((h) => h.exited));
}

function cli(config: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(packageRoot(), 'bin', 'skrode.js'), '-c', config, ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe.runIf(canRun)('topology under faults (real processes, Redis, Postgres)', () => {
  let dir: string;
  let redis: RedisServer;
  const schemas: string[] = [];
  const hosts: Host[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skrode-fault-'));
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const h of hosts) if (h.proc.exitCode === null) h.proc.kill('SIGKILL');
    await redis?.stop();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    for (const s of schemas) await c.query(`drop schema if exists "${s}" cascade`);
    await c.end();
    rmSync(dir, { recursive: true, force: true });
  });

  async function sharedPgSetup(attempts: number, replicas: number, delayMs: number): Promise<Setup> {
    const schema = `skrode_fault_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const store = await openPostgresStore({ url: PG_URL, schema });
    await store.close();
    return writeConfig(dir, { redisUrl: redis.url, pgUrl: PG_URL, schema, prefix: `f${randomBytes(3).toString('hex')}`, attempts, replicas, delayMs });
  }

  it(`two hosts compete for one queue while supervisors are killed with SIGKILL (${TRIALS} trials): every item once in the store`, async () => {
    const s = await sharedPgSetup(50, 2, 40);
    const q = new RedisJobQueue('/queue/fault/items', { url: redis.url }, { prefix: s.prefix });
    const live: Record<string, Host> = {};
    for (const name of ['host-a', 'host-b']) hosts.push((live[name] = startHost(s.config, name, dir)));

    // A steady stream of items for as long as the kills go on.
    let N = 0;
    let stopProducing = false;
    const producing = (async () => {
      while (!stopProducing) {
        await q.pushMany(Array.from({ length: 10 }, (_, i) => ({ payload: { n: N + i }, dedupKey: `item-${N + i}` })));
        N += 10;
        await sleep(50);
      }
    })();
    const doneBy = (host: string) => (existsSync(s.log) ? readFileSync(s.log, 'utf8').split('\n').filter((l) => l.startsWith(host + ' ')).length : 0);
    let kills = 0;
    for (let t = 0; t < TRIALS; t++) {
      const name = Math.random() < 0.5 ? 'host-a' : 'host-b';
      const victim = live[name]!;
      // Kill it while it is busy: once it has finished a few items since it (re)started.
      const before = doneBy(name);
      const t0 = Date.now();
      while (doneBy(name) < before + 5 && Date.now() - t0 < 30_000) await sleep(20);
      await sleep(Math.random() * 300);
      victim.proc.kill('SIGKILL');
      await victim.exited;
      kills++;
      hosts.push((live[name] = startHost(s.config, name, dir)));
    }
    stopProducing = true;
    await producing;
    await drained(q, 90_000);

    // Status, as an operator sees it: both hosts' workers, and the queue empty.
    const st = cli(s.config, 'topology', 'status', '--json');
    const status = JSON.parse(st.stdout) as { workers: { host: string; state: string }[]; queues: { ready: number; inflight: number; dead: number }[] };
    expect(new Set(status.workers.filter((w) => w.state === 'running').map((w) => w.host))).toEqual(new Set(['host-a', 'host-b']));
    expect(status.queues).toEqual([expect.objectContaining({ ready: 0, inflight: 0, dead: 0 })]);

    const codes = await stopHosts(Object.values(live));
    expect(codes).toEqual([0, 0]);
    const inStore = await storeAccounts(PG_URL, s.schema, s.run);
    const d = deliveries(s.log);
    process.stdout.write(
      `FAULT kill-9: trials=${kills} items=${N} stored=${inStore.distinct} lost=${N - inStore.distinct} duplicates=${inStore.rows - inStore.distinct} ` +
        `deliveries-logged=${d.lines} redeliveries=${d.redeliveries} effect-applied-twice=${d.lines - d.items.size} hosts=${[...d.hosts].join(',')}\n`,
    );
    expect(inStore).toEqual({ rows: N, distinct: N, names: N });
    expect(d.items.size).toBe(N);
    expect(d.hosts).toEqual(new Set(['host-a', 'host-b']));
    expect((await q.stats()).dead).toBe(0);
    await q.close();
  }, 300_000);

  it('a poison item is dead-lettered after N attempts while the others flow; it can be listed and requeued', async () => {
    const s = await sharedPgSetup(3, 1, 0);
    const q = new RedisJobQueue('/queue/fault/items', { url: redis.url }, { prefix: s.prefix });
    await q.push({ poison: true }, { dedupKey: 'poison' });
    await q.pushMany(Array.from({ length: 50 }, (_, n) => ({ payload: { n }, dedupKey: `item-${n}` })));
    const h = startHost(s.config, 'host-p', dir);
    hosts.push(h);
    const t0 = Date.now();
    while ((await q.stats()).dead < 1 || deliveries(s.log).items.size < 50) {
      if (Date.now() - t0 > 60_000) throw new Error(`poison test stuck: ${JSON.stringify(await q.stats())}`);
      await sleep(200);
    }
    const dead = cli(s.config, 'topology', 'dead', 'items', '--json');
    expect(dead.status).toBe(0);
    const list = JSON.parse(dead.stdout) as { payload: unknown; attempts: number; lastError: string }[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ payload: { poison: true }, attempts: 3 });
    expect(list[0]!.lastError).toContain('poison item');
    // Heartbeats trail the work by up to a couple of seconds.
    type Status = { workers: { failed: number; done: number; lastError: string }[] };
    let status = JSON.parse(cli(s.config, 'topology', 'status', '--json').stdout) as Status;
    for (let i = 0; i < 20 && !(status.workers[0]?.failed === 3 && status.workers[0]?.done === 50); i++) {
      await sleep(500);
      status = JSON.parse(cli(s.config, 'topology', 'status', '--json').stdout) as Status;
    }
    expect(status.workers[0]).toMatchObject({ failed: 3, done: 50 });
    expect(status.workers[0]!.lastError).toContain('dead-lettered');
    const rq = cli(s.config, 'topology', 'requeue', 'items');
    expect(rq.stdout).toContain('requeued 1 item');
    await sleep(300);
    expect(await storeAccounts(PG_URL, s.schema, s.run)).toEqual({ rows: 50, distinct: 50, names: 50 });
    expect(await stopHosts([h])).toEqual([0]);
    await q.close();
  }, 120_000);

  it('Redis killed and restarted mid-run: workers reconnect and resume, nothing lost or doubled', async () => {
    const s = await sharedPgSetup(50, 2, 10);
    const N = 200;
    const q = new RedisJobQueue('/queue/fault/items', { url: redis.url }, { prefix: s.prefix });
    const h = startHost(s.config, 'host-r', dir);
    hosts.push(h);
    const producing = produce(q, N);
    while (deliveries(s.log).items.size < N / 4) await sleep(50);
    await redis.kill();
    await sleep(1500);
    await redis.start();
    await producing;
    await drained(q, 90_000);
    expect(await stopHosts([h])).toEqual([0]);
    const inStore = await storeAccounts(PG_URL, s.schema, s.run);
    const d = deliveries(s.log);
    process.stdout.write(`FAULT redis-restart: items=${N} stored=${inStore.distinct} lost=${N - inStore.distinct} duplicates=${inStore.rows - inStore.distinct} deliveries=${d.lines}\n`);
    expect(inStore).toEqual({ rows: N, distinct: N, names: N });
    await q.close();
  }, 180_000);

  it('Postgres crashed and restarted mid-run: items retry with backoff and all land once', async () => {
    const cluster = await startPostgresCluster();
    try {
      const schema = 'skrode_fault_pg';
      const store = await openPostgresStore({ url: cluster.url, schema });
      await store.close();
      const s = writeConfig(dir, { redisUrl: redis.url, pgUrl: cluster.url, schema, prefix: `p${randomBytes(3).toString('hex')}`, attempts: 50, replicas: 2, delayMs: 10 });
      const N = 200;
      const q = new RedisJobQueue('/queue/fault/items', { url: redis.url }, { prefix: s.prefix });
      const h = startHost(s.config, 'host-pg', dir);
      hosts.push(h);
      const producing = produce(q, N);
      while (deliveries(s.log).items.size < N / 4) await sleep(50);
      await cluster.crash();
      await sleep(2000);
      await cluster.start();
      await producing;
      await drained(q, 90_000);
      expect(await stopHosts([h])).toEqual([0]);
      const inStore = await storeAccounts(cluster.url, schema, s.run);
      const d = deliveries(s.log);
      if (inStore.distinct !== N) process.stdout.write(`postgres-restart diagnostics: ${JSON.stringify(await q.stats())} dead=${JSON.stringify(await q.listDead(5))} log=${h.log}\n`);
      process.stdout.write(`FAULT postgres-restart: items=${N} stored=${inStore.distinct} lost=${N - inStore.distinct} duplicates=${inStore.rows - inStore.distinct} deliveries=${d.lines}\n`);
      expect(inStore).toEqual({ rows: N, distinct: N, names: N });
      expect((await q.stats()).dead).toBe(0);
      await q.close();
    } finally {
      await cluster.stop();
    }
  }, 180_000);
});

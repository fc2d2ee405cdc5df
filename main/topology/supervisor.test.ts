// The topology with real worker threads (out/workers/topology.js; `node scripts/build.mjs`
// first) on a real SQLite store: the demo topology, respawn, crash-loop parking, graceful stop,
// periodic runs.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../util/worker-entry.js';
import { waitFor } from '../queue/contract.test-suite.js';
import { openSqlite } from '../store/sqlite/open.js';
import { directExecutor, writerExecutor } from '../queue/sqlite/executor.js';
import { SqliteJobQueue } from '../queue/sqlite/sqlite-queue.js';
import { startTopology } from './run.js';
import { topologyStatus } from './status.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-topology-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixtures = join(packageRoot(), 'test', 'topology', 'fixtures', 'targets.mjs');
let n = 0;

function setup(yaml: string) {
  const sub = join(dir, `t${n++}`);
  rmSync(sub, { recursive: true, force: true });
  mkdirSync(sub, { recursive: true });
  const config = join(sub, 'config.yml');
  writeFileSync(config, yaml.replaceAll('FIXTURES', fixtures).replaceAll('DIR', sub));
  const lines: string[] = [];
  return { sub, config, lines, log: (l: string) => void lines.push(l) };
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('topology supervisor (worker threads)', () => {
  it('runs the demo topology: a producer and two mappers on a shared queue, then stops cleanly', async () => {
    const t = setup(readFileSync(join(packageRoot(), 'examples', 'topology-demo.yml'), 'utf8'));
    const run = await startTopology({ config: t.config, log: t.log, stopTimeoutMs: 5000 });
    await waitFor(() => t.lines.filter((l) => l.includes('random_data_mapper') && l.includes(' got ')).length >= 20, 20_000, '20 items mapped');
    await run.stop();
    await run.finished;
    const got = t.lines.filter((l) => l.includes(' got ')).map((l) => JSON.parse(l.slice(l.indexOf('{'), l.indexOf('}') + 1)).n as number);
    expect(got.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const status = await topologyStatus({ config: t.config });
    expect(status.queues).toEqual([{ queue: '/queue/random_data/ready', backend: 'sqlite', ready: 0, delayed: 0, inflight: 0, dead: 0 }]);
    expect(status.workers.map((w) => `${w.worker}#${w.replica}:${w.state}`)).toEqual(['clock#0:stopped', 'random_data_mapper#0:stopped', 'random_data_mapper#1:stopped', 'random_data_producer#0:stopped']);
    expect(status.workers.filter((w) => w.worker === 'random_data_mapper').reduce((s, w) => s + w.done, 0)).toBe(20);
    expect(status.problems).toEqual([]);
  });

  it("shares the writer of a store the process already holds (the app's), and leaves it open", async () => {
    const t = setup(`store: !skrode/sqlite DIR/s.db
q: &q !skrode/queue {key: /queue/shared}
slow: {type: map, target: "FIXTURES:slow_record", source: *q, delay_ms: 0, out: DIR/out, started: DIR/started}
workers: [slow]
`);
    const { SqliteStore } = await import('../store/sqlite/store.js');
    const appStore = await SqliteStore.open(join(t.sub, 's.db'));
    const q = new SqliteJobQueue('/queue/shared', writerExecutor(appStore.writer));
    await q.pushMany(Array.from({ length: 10 }, (_, i) => ({ payload: i })));
    const run = await startTopology({ config: t.config, log: t.log, sqliteWriter: appStore.writer });
    await waitFor(() => lines(join(t.sub, 'out')).length === 10, 15_000, '10 items');
    await run.stop();
    await run.finished;
    expect(await q.stats()).toMatchObject({ ready: 0, inflight: 0 });
    expect((await appStore.counts()).accounts).toBe(0); // the store still answers after the topology stopped
    await appStore.close();
  });

  it('parks a worker that keeps dying at start, and reports why', async () => {
    const t = setup(`store: !skrode/sqlite DIR/s.db
crasher: {type: custom, target: "FIXTURES:alwaysCrash"}
workers: [crasher]
`);
    const run = await startTopology({ config: t.config, log: t.log, restart: { backoffBaseMs: 20, crashLoop: { deaths: 3, withinMs: 10_000 } } });
    expect(await run.finished).toEqual({ parked: 1 });
    const [w] = run.supervisor.status();
    expect(w).toMatchObject({ worker: 'crasher', state: 'parked', restarts: 2 });
    expect(w!.lastError).toContain('boom at start');
    expect(t.lines.some((l) => l.includes('parked after 3 quick deaths'))).toBe(true);
  });

  it('restarts a worker that died, with its counters and restart count', async () => {
    const t = setup(`store: !skrode/sqlite DIR/s.db
flaky: {type: custom, target: "FIXTURES:dieOnce", marker: DIR/marker}
workers: [flaky]
`);
    const run = await startTopology({ config: t.config, log: t.log, restart: { backoffBaseMs: 20 } });
    await waitFor(() => run.supervisor.status()[0]!.restarts === 1 && run.supervisor.status()[0]!.state === 'running', 10_000, 'restart');
    expect(run.supervisor.status()[0]!.lastError).toMatch(/exit(ed with code)? 3/);
    await run.stop();
    await run.finished;
    expect(run.supervisor.status()[0]!.state).toBe('stopped');
  });

  it('stops gracefully: items in hand are finished, the rest stay queued, none is lost or doubled', async () => {
    const t = setup(`store: !skrode/sqlite DIR/s.db
q: &q !skrode/queue {key: /queue/slow}
slow: {type: map, target: "FIXTURES:slow_record", source: *q, concurrency: 2, delay_ms: 300, out: DIR/out, started: DIR/started}
workers: [slow, slow]
`);
    const db = join(t.sub, 's.db');
    const q = new SqliteJobQueue('/queue/slow', directExecutor(openSqlite(db), { owned: true }));
    await q.pushMany(Array.from({ length: 30 }, (_, i) => ({ payload: i })));
    const run = await startTopology({ config: t.config, log: t.log, stopTimeoutMs: 5000 });
    await waitFor(() => lines(join(t.sub, 'out')).length >= 6, 15_000, 'some items done');
    await run.stop();
    await run.finished;
    const started = lines(join(t.sub, 'started'));
    const done = lines(join(t.sub, 'out')).map((l) => JSON.parse(l).item as number);
    expect(done.length).toBe(started.length); // every item taken was finished
    expect(new Set(done).size).toBe(done.length);
    const s = await q.stats();
    expect(s.inflight).toBe(0);
    expect(s.ready + done.length).toBe(30);
    await q.close();
  });

  it('runs a periodic worker every N seconds without overlapping runs', async () => {
    const t = setup(`store: !skrode/sqlite DIR/s.db
p: {type: periodic, target: "FIXTURES:countRun", every: 0.1, run_ms: 150, out: DIR/runs}
workers: [p]
`);
    const run = await startTopology({ config: t.config, log: t.log });
    await waitFor(() => lines(join(t.sub, 'runs')).filter((l) => l.startsWith('end')).length >= 3, 10_000, '3 runs');
    await run.stop();
    await run.finished;
    const ev = lines(join(t.sub, 'runs')).map((l) => l.split(' ')[0]);
    for (let i = 0; i < ev.length; i++) expect(ev[i]).toBe(i % 2 === 0 ? 'start' : 'end');
    expect(run.supervisor.status()[0]).toMatchObject({ failed: 0, state: 'stopped' });
  });
});

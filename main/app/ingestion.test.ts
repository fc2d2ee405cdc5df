// IngestionService with a fake topology (state machine), then with the real one: the user's
// topology in worker threads over a SQLite store, paused, resumed and closed as the tray and
// quitting do, with every queued item done exactly once.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directExecutor } from '../queue/sqlite/executor.js';
import { SqliteJobQueue } from '../queue/sqlite/sqlite-queue.js';
import { openSqlite } from '../store/sqlite/open.js';
import { startTopology } from '../topology/run.js';
import { loadTopologyConfig } from '../topology/status.js';
import { packageRoot } from '../util/worker-entry.js';
import { IngestionService, type RunningLike } from './ingestion.js';
import type { IngestState } from './tray.js';

function fakeRunning() {
  let finish!: () => void;
  const r = {
    stops: [] as unknown[],
    finished: new Promise<void>((res) => (finish = res)),
    stop: async (o?: unknown) => {
      r.stops.push(o);
      finish();
    },
    end: () => finish(),
  };
  return r;
}

describe('IngestionService (fake topology)', () => {
  function setup(configured = true) {
    const runs: ReturnType<typeof fakeRunning>[] = [];
    const states: IngestState['kind'][] = [];
    const svc = new IngestionService({
      configured: () => configured,
      start: async () => {
        const r = fakeRunning();
        runs.push(r);
        return r as RunningLike;
      },
      onState: (s) => states.push(s.kind),
    });
    return { svc, runs, states };
  }

  it('starts, pauses by stopping gracefully, resumes by starting again', async () => {
    const { svc, runs, states } = setup();
    await svc.start();
    expect(svc.current().kind).toBe('running');
    await svc.setPaused(true);
    expect(runs[0]!.stops).toEqual([{}]);
    expect(svc.current().kind).toBe('paused');
    expect(svc.paused()).toBe(true);
    await svc.setPaused(false);
    expect(runs).toHaveLength(2);
    expect(svc.current().kind).toBe('running');
    expect(states).toEqual(['busy', 'running', 'busy', 'paused', 'busy', 'running']);
  });

  it('a resume clicked while pausing waits for the pause to finish', async () => {
    const { svc, runs } = setup();
    await svc.start();
    const p = svc.setPaused(true);
    const r = svc.setPaused(false);
    await Promise.all([p, r]);
    expect(runs).toHaveLength(2);
    expect(runs[0]!.stops).toHaveLength(1);
    expect(svc.current().kind).toBe('running');
  });

  it('does nothing without workers in the config', async () => {
    const { svc, runs } = setup(false);
    await svc.start();
    expect(svc.current().kind).toBe('not-configured');
    expect(runs).toHaveLength(0);
  });

  it('a config error or a failed start is a state, not a crash', async () => {
    const svc = new IngestionService({
      configured: () => {
        throw new Error('config.yml:3:1: bad');
      },
      start: async () => fakeRunning(),
    });
    await svc.start();
    expect(svc.current()).toEqual({ kind: 'failed', reason: 'config.yml:3:1: bad' });
    const svc2 = new IngestionService({ configured: () => true, start: () => Promise.reject(new Error('redis down')) });
    await svc2.start();
    expect(svc2.current()).toEqual({ kind: 'failed', reason: 'redis down' });
  });

  it('a topology whose workers all end is reported', async () => {
    const { svc, runs } = setup();
    await svc.start();
    runs[0]!.end();
    await new Promise((r) => setTimeout(r, 0));
    expect(svc.current().kind).toBe('failed');
  });

  it('reload stops gracefully and starts again; a paused one stays paused', async () => {
    const { svc, runs, states } = setup();
    await svc.start();
    await svc.reload();
    expect(runs).toHaveLength(2);
    expect(runs[0]!.stops).toEqual([{}]);
    expect(svc.current().kind).toBe('running');
    expect(states.slice(2)).toEqual(['busy', 'busy', 'running']);
    await svc.setPaused(true);
    await svc.reload();
    expect(runs).toHaveLength(2);
    expect(svc.current().kind).toBe('paused');
  });

  it('reload after the config lost its workers leaves it stopped', async () => {
    let configured = true;
    const runs: ReturnType<typeof fakeRunning>[] = [];
    const svc = new IngestionService({ configured: () => configured, start: async () => (runs.push(fakeRunning()), runs[runs.length - 1]!) });
    await svc.start();
    configured = false;
    await svc.reload();
    expect(runs[0]!.stops).toHaveLength(1);
    expect(runs).toHaveLength(1);
    expect(svc.current().kind).toBe('not-configured');
  });

  it('close stops gracefully and nothing starts afterwards', async () => {
    const { svc, runs } = setup();
    await svc.start();
    await svc.close();
    expect(runs[0]!.stops).toEqual([{}]);
    await svc.start();
    await svc.setPaused(false);
    expect(runs).toHaveLength(1);
  });
});

// Needs out/workers/topology.js (`npm test` builds it first; workerEntry says so if it is missing).
describe('IngestionService over the real topology (worker threads, SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skrode-app-ingest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);

  it('pause finishes the item in hand, resume continues, close leaves nothing lost or doubled', async () => {
    const fixtures = join(packageRoot(), 'test', 'topology', 'fixtures', 'targets.mjs');
    const db = join(dir, 'skrode.db');
    const out = join(dir, 'out.jsonl');
    const started = join(dir, 'started.jsonl');
    const config = join(dir, 'config.yml');
    writeFileSync(
      config,
      `store: !skrode/sqlite ${db}
q: &q !skrode/queue {key: /queue/app, lease_ms: 2000}
slow: {type: map, target: "${fixtures}:slowRecord", source: *q, delay_ms: 300, out: ${out}, started: ${started}}
workers: [slow]
`,
    );
    openSqlite(db).close();
    const q = new SqliteJobQueue('/queue/app', directExecutor(openSqlite(db), { owned: true }));
    await q.pushMany(Array.from({ length: 6 }, (_, i) => ({ payload: i })));

    const logs: string[] = [];
    const svc = new IngestionService({
      configured: () => loadTopologyConfig({ config }).config.has('workers'),
      start: () => startTopology({ config, host: 'app-test', handleSignals: false, stopTimeoutMs: 10_000, log: (l) => logs.push(l) }),
    });
    try {
      await svc.start();
      expect(svc.current().kind).toBe('running');
      while (lines(started).length < 1) await sleep(20);
      await svc.setPaused(true);
      expect(svc.current().kind).toBe('paused');
      // Every item begun was finished; none is left in flight.
      expect(lines(out).length).toBe(lines(started).length);
      const afterPause = lines(out).length;
      expect(afterPause).toBeLessThan(6);
      expect(await q.stats()).toMatchObject({ inflight: 0, ready: 6 - afterPause });
      await sleep(400);
      expect(lines(out).length).toBe(afterPause); // paused means paused

      await svc.setPaused(false);
      while (lines(out).length < 6) await sleep(50);
      await svc.close();
      const items = lines(out).map((l) => (JSON.parse(l) as { item: number }).item).sort();
      expect(items).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await q.stats()).toMatchObject({ ready: 0, inflight: 0 });
    } finally {
      await svc.close({ force: true });
      await q.close?.();
    }
  }, 60_000);
});

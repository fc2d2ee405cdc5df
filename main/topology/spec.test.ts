import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../config/index.js';
import { topologyPlan } from './spec.js';
import { resolveTarget } from './targets.js';
import { packageRoot } from '../util/worker-entry.js';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

const load = (text: string) => loadConfigText(text, { file: '/tmp/cfg/config.yml', dataDir: '/tmp/skrode-data' });

describe('topology config', () => {
  it('counts replicas by repetition and separates target arguments from runtime keys', () => {
    const c = load(`
q: &q !skrode/queue {key: /queue/x/ready, inflight: /queue/x/inflight}
m: {type: map, target: "demo:print_item", source: *q, concurrency: 3, prefix: hi}
p: {type: periodic, target: "demo:tick", every: 2.5}
workers: [m, p, m]
`);
    const plan = topologyPlan(c);
    expect(plan.workers.map((w) => [w.def.name, w.replicas, w.def.kind])).toEqual([
      ['m', 2, 'map'],
      ['p', 1, 'periodic'],
    ]);
    expect(plan.workers[0]!.def).toMatchObject({ concurrency: 3, argKeys: ['prefix'], target: 'demo:print_item' });
    expect(plan.workers[1]!.def.everyMs).toBe(2500);
  });

  it.each([
    ['workers: [nope]\n', /config\.yml:1:\d+: workers: worker "nope" is listed but not defined/],
    ['w: {type: mapp, target: "a:b"}\nworkers: [w]\n', /config\.yml:1:\d+: w\.type: type must be one of map, custom, periodic, not "mapp"/],
    ['w: {type: map, target: "demo:x"}\nworkers: [w]\n', /w: a map worker needs source: a !skrode\/queue/],
    ['w: {type: custom, target: nocolon}\nworkers: [w]\n', /w\.target: target must look like module:function/],
    ['w: {type: periodic, target: "demo:tick"}\nworkers: [w]\n', /a periodic worker needs every: N/],
    ['w: {type: custom, target: "demo:tick"}\n', /no workers: list/],
    ['workers: []\n', /workers is empty/],
  ])('refuses a bad topology with file, line and reason: %j', (text, re) => {
    expect(() => topologyPlan(load(text))).toThrow(re);
  });
});

describe("the seed README's topology", () => {
  it('plans its three workers, with their queues and arguments', () => {
    const text = readFileSync(join(packageRoot(), 'main', 'config', 'fixtures', 'seed-readme.yml'), 'utf8');
    const plan = topologyPlan(load(text));
    expect(plan.workers.map((w) => [w.def.name, w.def.kind, w.def.target, w.replicas])).toEqual([
      ['twitter_home_timeline', 'custom', 'twitter:user_stream', 1],
      ['twitter_user_ids', 'map', 'twitter:ingest_user', 1],
      ['twitter_tweet_ids', 'map', 'twitter:ingest_tweet_id', 1],
    ]);
    expect(plan.workers[0]!.def.argKeys).toEqual(['session', 'twitter_api', 'user_queue', 'withuser', 'stall_warnings', 'replies', 'include_keepalive']);
    expect(plan.workers[2]!.def.argKeys).toEqual(['session', 'twitter_api', 'tweet_id_queue']);
  });
});

describe('target resolution', () => {
  it('finds built-ins by short name and by the original dotted name, snake_case or camelCase', async () => {
    const a = await resolveTarget('demo:print_item', '/');
    const b = await resolveTarget('skrode.ingesters.test:printItem', '/');
    expect(a).toBe(b);
    expect(a.name).toBe('printItem');
  });

  it("loads the user's own module by path, relative to the config's folder", async () => {
    const f = await resolveTarget('./targets.mjs:always_crash', join(packageRoot(), 'test', 'topology', 'fixtures'));
    expect(f.name).toBe('alwaysCrash');
  });

  it('says what is missing', async () => {
    await expect(resolveTarget('nosuch:fn', '/')).rejects.toThrow(/no built-in module "nosuch" \(built-in: demo/);
    await expect(resolveTarget('demo:nosuch', '/')).rejects.toThrow(/has no function nosuch \(functions: .*printItem/);
    await expect(resolveTarget('./missing.js:f', '/tmp')).rejects.toThrow(/no such module file \/tmp\/missing\.js/);
  });

  it("resolves the seed README's targets by their original Python names", async () => {
    for (const fn of ['user_stream', 'ingest_user', 'ingest_tweet_id']) {
      expect(typeof (await resolveTarget(`skrode.ingesters.twitter:${fn}`, '/'))).toBe('function');
    }
  });
});

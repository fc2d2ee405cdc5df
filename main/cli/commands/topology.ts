// `skrode topology run|status|dead|requeue`: the supervised ingestion topology (main/topology/).
import type { Command } from 'commander';

interface Globals {
  config?: string;
  db?: string;
}

function globals(cmd: Command): Globals {
  let root = cmd;
  while (root.parent) root = root.parent;
  return root.opts() as Globals;
}

/** Find a queue by its config key (tweet_id_queue) or its queue key (/queue/twitter/...). */
async function findQueue(g: Globals, which: string) {
  const { loadTopologyConfig, configQueues } = await import('../../topology/status.js');
  const { openQueue } = await import('../../queue/open.js');
  const { config, store } = loadTopologyConfig(g);
  const all = configQueues(config);
  const hit = all.find((q) => q.key === which || q.descriptor.key === which);
  if (!hit) throw Object.assign(new Error(`no queue ${JSON.stringify(which)} in the config (queues: ${all.map((q) => q.key).join(', ') || 'none'})`), { name: 'ConfigError' });
  return openQueue(hit.descriptor, { store });
}

export function register(program: Command): void {
  const topo = program.command('topology').description('run and watch the ingestion topology (workers connected by queues)');

  topo
    .command('run')
    .description(
      'run the workers listed under workers: in the config, each in a worker thread, until SIGINT/SIGTERM; a change to config.yml (or SIGHUP) restarts them gracefully from the new file',
    )
    .option('--host <name>', 'the name this supervisor reports in status (default: the host name)')
    .option('--stop-timeout <ms>', 'how long workers may take to finish the items in hand when stopping', (v) => Number(v), 15_000)
    .option('--no-watch', 'do not follow changes to config.yml (SIGHUP still reloads)')
    .action(async (opts: { host?: string; stopTimeout: number; watch: boolean }, cmd: Command) => {
      const { runTopologyFollowingConfig } = await import('../../topology/follow-config.js');
      const g = globals(cmd);
      const { parked } = await runTopologyFollowingConfig({ ...g, ...(opts.host ? { host: opts.host } : {}), stopTimeoutMs: opts.stopTimeout, watch: opts.watch });
      if (parked > 0) process.exitCode = 1;
    });

  topo
    .command('status')
    .description('every worker on every host (state, restarts, done/failed, last error) and every queue (ready, in flight, dead)')
    .option('--json', 'print the status as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { topologyStatus, formatStatus } = await import('../../topology/status.js');
      const s = await topologyStatus(globals(cmd));
      process.stdout.write((opts.json ? JSON.stringify(s, null, 2) : formatStatus(s)) + '\n');
      if (s.problems.length) process.exitCode = 1;
    });

  topo
    .command('dead')
    .description("list a queue's dead-letter items")
    .argument('<queue>', 'the queue: its config key or its key')
    .option('-l, --limit <n>', 'at most this many', (v) => Number(v), 100)
    .option('--json', 'print JSON')
    .action(async (which: string, opts: { limit: number; json?: boolean }, cmd: Command) => {
      const q = await findQueue(globals(cmd), which);
      try {
        const dead = await q.listDead(opts.limit);
        if (opts.json) process.stdout.write(JSON.stringify(dead, null, 2) + '\n');
        else for (const d of dead) process.stdout.write(`${d.id}\t${d.attempts} deliveries\t${JSON.stringify(d.payload)}\t${d.lastError ?? ''}\n`);
      } finally {
        await q.close();
      }
    });

  topo
    .command('requeue')
    .description("move a queue's dead-letter items (all, or the ids given) back to ready")
    .argument('<queue>', 'the queue: its config key or its key')
    .argument('[ids...]', 'item ids (from `topology dead`)')
    .action(async (which: string, ids: string[], _opts: unknown, cmd: Command) => {
      const q = await findQueue(globals(cmd), which);
      try {
        const n = await q.requeueDead(ids.length ? ids : undefined);
        process.stdout.write(`requeued ${n} item(s)\n`);
      } finally {
        await q.close();
      }
    });
}

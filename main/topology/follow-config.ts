// `skrode topology run` following config.yml: when the file changes (the Sources page of the app or
// of `skrode serve` writes it, or the user edits it) or on SIGHUP, the new config is checked first;
// a config that cannot be used is reported and the running topology carries on. A usable one
// replaces it gracefully: every worker finishes or returns the item in hand, then the topology
// starts again from the file as it is now. Nothing is lost across the restart.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { CONFIG_FILE_NAME, findConfig } from '../config/index.js';
import { startTopology, type RunTopologyOptions, type RunningTopology } from './run.js';
import { topologyPlan } from './spec.js';
import { loadTopologyConfig } from './status.js';
import { installStopSignals } from './stop-signals.js';

/** Editors write a file in several steps (truncate, write, rename): wait for them to settle. */
const SETTLE_MS = 300;

export interface FollowOptions extends Omit<RunTopologyOptions, 'handleSignals'> {
  /** Watch the config file (the default); SIGHUP reloads either way. */
  watch?: boolean;
}

/** The config file in effect and its content, to tell a real change from a touch. */
function fingerprint(options: FollowOptions): string {
  const found = findConfig(options.config === undefined ? {} : { config: options.config });
  if (!found.file) return 'defaults';
  try {
    return `${found.file}\n${createHash('sha256').update(readFileSync(found.file)).digest('hex')}`;
  } catch {
    return `${found.file}\nunreadable`;
  }
}

/**
 * Where a config.yml that would take effect can appear: the `-c` file's folder, else the working
 * folder and the data folder (a file created on defaults by the Sources page lands there).
 */
function watchedPlaces(options: FollowOptions): { dir: string; name: string }[] {
  if (options.config !== undefined && options.config !== '') {
    const file = path.resolve(options.config);
    return [{ dir: path.dirname(file), name: path.basename(file) }];
  }
  const found = findConfig({});
  const dirs = new Set([process.cwd(), found.dataDir]);
  return [...dirs].filter((d) => existsSync(d)).map((dir) => ({ dir, name: CONFIG_FILE_NAME }));
}

function watchConfig(options: FollowOptions, onChange: () => void, log: (l: string) => void): FSWatcher[] {
  let timer: NodeJS.Timeout | undefined;
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTLE_MS);
  };
  const watchers: FSWatcher[] = [];
  for (const { dir, name } of watchedPlaces(options)) {
    try {
      // The folder, not the file: an atomic save replaces the file (a new inode) by rename.
      const w = watch(dir, { persistent: false }, (_event, file) => {
        if (file === null || file === name) poke();
      });
      w.on('error', (e) => log(`config watch on ${dir} stopped: ${e.message} (SIGHUP still reloads)`));
      watchers.push(w);
    } catch (e) {
      log(`cannot watch ${dir} for config changes: ${(e as Error).message} (SIGHUP still reloads)`);
    }
  }
  return watchers;
}

export async function runTopologyFollowingConfig(options: FollowOptions): Promise<{ parked: number }> {
  const host = options.host ?? process.env.SKRODE_HOST ?? hostname();
  const log = options.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const start = () => startTopology({ ...options, host, log, handleSignals: false });

  let loaded = fingerprint(options);
  let running: RunningTopology = await start();
  let closing = false;
  let chain: Promise<void> = Promise.resolve();

  const reload = (why: string) => {
    chain = chain.then(async () => {
      if (closing) return;
      const now = fingerprint(options);
      if (why === 'config.yml changed' && now === loaded) return;
      try {
        topologyPlan(loadTopologyConfig(options).config);
      } catch (e) {
        loaded = now;
        log(`[${host}] ${why}, but it cannot be used; the running topology carries on: ${(e as Error).message}`);
        return;
      }
      loaded = now;
      log(`[${host}] ${why}: restarting the topology (the items in hand are finished or returned first)`);
      const old = running;
      await old.stop();
      await old.finished;
      if (closing) return;
      try {
        running = await start();
      } catch (e) {
        log(`[${host}] the new config failed to start: ${(e as Error).message}`);
      }
    });
  };

  const uninstallSignals = installStopSignals({
    host,
    log,
    stop: () => {
      closing = true;
      void running.stop();
    },
    force: () => {
      closing = true;
      void running.stop({ force: true });
    },
  });
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);
  const watchers = options.watch === false ? [] : watchConfig(options, () => reload('config.yml changed'), log);
  try {
    for (;;) {
      const current = running;
      const result = await current.finished;
      // A reload in progress replaces `running`; wait for it before deciding.
      await chain;
      if (closing || running === current) return result;
    }
  } finally {
    closing = true;
    for (const w of watchers) w.close();
    process.off('SIGHUP', onHup);
    uninstallSignals();
  }
}

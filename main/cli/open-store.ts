// Opening the store a command works on: `--db PATH` (a SQLite file) wins, else the config's store,
// else the single-user default. Loaded lazily so commands that don't need a store stay fast.
import type { Command } from 'commander';
import type { Store } from '../store/port.js';

export interface GlobalOptions {
  config?: string;
  db?: string;
}

export function globalOptions(program: Command): GlobalOptions {
  return program.opts<GlobalOptions>();
}

export async function withStore<T>(program: Command, fn: (store: Store) => Promise<T>): Promise<T> {
  const { openConfiguredStore } = await import('../store/from-config.js');
  const store = await openConfiguredStore(globalOptions(program));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

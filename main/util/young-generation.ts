// A bulk import allocates heavily and briefly (a parsed message lives for a few milliseconds),
// and V8 grows each thread's young generation towards 32 MiB of semi-spaces when it sees that
// rate: a gain of nothing here, since little survives a scavenge, but 32 MiB of resident memory
// per thread (the importing thread and the SQLite writer thread). The flag is process-wide and
// read when a heap grows its young generation and when a worker's heap is created, so it is set
// before the store (and its writer thread) is opened.
import { setFlagsFromString } from 'node:v8';

/** Semi-space size in MiB for a streaming import; measured on bench import-mbox, no slow-down. */
export const IMPORT_SEMI_SPACE_MB = 2;

export function limitYoungGeneration(semiSpaceMb = IMPORT_SEMI_SPACE_MB): void {
  setFlagsFromString(`--max-semi-space-size=${semiSpaceMb}`);
}

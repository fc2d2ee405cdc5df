// A bulk import allocates heavily and briefly (a parsed message lives for a few milliseconds),
// and V8 grows a thread's young generation towards 32 MiB of semi-spaces when it sees that
// rate: a gain of nothing here, since little survives a scavenge, but 32 MiB of resident memory.
// The maximum semi-space size is a process-wide flag read when a heap is created, so setting it
// before the store opens bounds the SQLite writer thread's young generation (measured: 32 → 4
// MiB). The running main thread's heap was sized at start-up and keeps its own limit.
import { setFlagsFromString } from 'node:v8';

/** Semi-space size in MiB for threads started by an import; no slow-down on bench import-mbox. */
export const IMPORT_SEMI_SPACE_MB = 2;

/** Call before the store (and its writer thread) is opened. */
export function limitYoungGeneration(semiSpaceMb = IMPORT_SEMI_SPACE_MB): void {
  setFlagsFromString(`--max-semi-space-size=${semiSpaceMb}`);
}

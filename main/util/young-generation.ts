// A bulk import allocates heavily and briefly (a parsed message lives for a few milliseconds),
// and V8 grows a thread's young generation towards 32 MiB of semi-spaces when it sees that
// rate: a gain of nothing here, since little survives a scavenge, but 32 MiB of resident memory
// per thread (the importing thread and the SQLite writer thread). Two process-wide V8 flags:
// the maximum semi-space size, read when a heap is created (it bounds the writer thread started
// after this call), and the growth factor, read whenever a young generation would grow (1 keeps
// the running thread's at its size). Creating a worker's heap resets the growth factor to V8's
// minimum of 2, so it is set again once the store's writer thread is up.
import { setFlagsFromString } from 'node:v8';

/** Semi-space size in MiB for threads started by an import; no slow-down on bench import-mbox. */
export const IMPORT_SEMI_SPACE_MB = 2;

/** Call before the store (and its writer thread) is opened, and again after. */
export function limitYoungGeneration(semiSpaceMb = IMPORT_SEMI_SPACE_MB): void {
  setFlagsFromString(`--max-semi-space-size=${semiSpaceMb}`);
  setFlagsFromString('--semi-space-growth-factor=1');
}

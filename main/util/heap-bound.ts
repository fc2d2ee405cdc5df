// Keeps a bulk import's heap near its live size.
//
// An import promotes nearly everything it makes to V8's old generation: each observation lives
// in its batch until the writer has applied it, across several young-generation collections.
// V8 leaves the old generation alone until it reaches its first limit (about 256 MiB on 64-bit)
// whatever is actually live, so a million-tweet import held 200-280 MB of heap with 10-50 MB live.
// The heap limit cannot be lowered once the process runs, so the import asks for a full
// collection itself whenever the heap has grown `slackBytes` past what was live after the last
// one: the memory a big import holds is then its live data plus that slack. One collection of a
// ~50-70 MB live heap takes ~50-80 ms.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Growth past the live heap that triggers a collection. On bench import-x-archive at 1M tweets
 * (live ~70 MB, most of it the folded sightings) the import peaked at 423 MB RSS with 96 MB of
 * slack, 396-425 with 48 and 369-385 with 32, which took ~160 collections (~8 s of the importing
 * thread; it waits longer than that for the writer thread anyway).
 */
export const IMPORT_HEAP_SLACK_MB = 24;

export interface HeapBoundDeps {
  heapUsed(): number;
  gc(): void;
}

export class HeapBound {
  private live: number;
  /** Collections asked for, and the milliseconds they took. */
  collections = 0;
  collectionMs = 0;

  constructor(
    private readonly slackBytes: number,
    private readonly deps: HeapBoundDeps = v8Deps(),
  ) {
    this.live = deps.heapUsed();
  }

  /** Cheap (one heap statistics call); collects when the heap has outgrown the bound. */
  check(): void {
    if (this.deps.heapUsed() <= this.live + this.slackBytes) return;
    const t = performance.now();
    this.deps.gc();
    this.collectionMs += performance.now() - t;
    this.collections++;
    this.live = this.deps.heapUsed();
  }
}

let gcFn: (() => void) | undefined;

/** A full collection: Node's `gc` when started with --expose-gc, else one exposed on first use. */
function collect(): void {
  if (!gcFn) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (existing) gcFn = existing;
    else {
      // The flag only makes new contexts get a `gc` global; this one context is made for that.
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
}

/** The running V8's heap statistics and full collection. */
export function v8Deps(): HeapBoundDeps {
  return { heapUsed: () => getHeapStatistics().used_heap_size, gc: collect };
}

/** The bound for a bulk import. */
export function importHeapBound(): HeapBound {
  return new HeapBound(IMPORT_HEAP_SLACK_MB * 2 ** 20);
}

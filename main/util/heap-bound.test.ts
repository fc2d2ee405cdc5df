// HeapBound: collects only once the heap has grown past the slack over what was live after the
// last collection, and measures live again after each; the real V8 hooks work without --expose-gc.
import { describe, expect, it } from 'vitest';
import { HeapBound, v8Deps } from './heap-bound.js';

describe('HeapBound', () => {
  it('collects when the heap outgrows live + slack, then bounds from the new live size', () => {
    let used = 100;
    const liveAfterGc = [40, 70];
    const gcs: number[] = [];
    const bound = new HeapBound(50, { heapUsed: () => used, gc: () => (gcs.push(used), (used = liveAfterGc.shift()!)) });
    used = 150;
    bound.check(); // 150 <= 100 + 50
    expect(gcs).toEqual([]);
    used = 151;
    bound.check();
    expect(gcs).toEqual([151]);
    used = 90;
    bound.check(); // live is 40 now: 90 <= 90
    expect(gcs).toEqual([151]);
    used = 91;
    bound.check();
    expect(gcs).toEqual([151, 91]);
    expect(bound.collections).toBe(2);
  });

  it('reaches the real collector', () => {
    const deps = v8Deps();
    const garbage = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `item ${i}` }));
    const before = deps.heapUsed();
    garbage.length = 0;
    deps.gc();
    expect(deps.heapUsed()).toBeLessThan(before);
  });
});

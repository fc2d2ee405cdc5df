// A small deterministic PRNG (mulberry32): synthetic data for tests, generators and benchmarks
// must be the same in every run, so a failure can be replayed and both sides of a benchmark see
// the same input. Not for anything secret.
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

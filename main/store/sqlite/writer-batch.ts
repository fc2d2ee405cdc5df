// How a validated batch crosses to the writer thread. A post's `raw` (for an X archive, the whole
// tweet object) is the deepest thing in a batch: structured-cloning it and then JSON.stringify-ing
// it again in the writer made the writer thread, the import's bottleneck, do the caller's work.
// So the caller's thread sends the string, the one validation already made when it checked the
// size (validateBatch's `serialised`), and the writer stores it as is.
import type { Observation, PostSeen } from '../../model/observations.js';

/** A post whose raw JSON was serialised by the caller (`raw` itself is then left out). */
export interface PackedPost extends PostSeen {
  rawJson?: string;
}

/** The batch to post to the writer: posts carry `rawJson` instead of `raw`; the rest is unchanged. */
export function packBatch(batch: readonly Observation[], serialised?: ReadonlyMap<unknown, string>): Observation[] {
  const out: Observation[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const o = batch[i]!;
    if (o.type === 'post' && o.raw !== undefined) {
      const { raw, ...rest } = o;
      out[i] = { ...rest, rawJson: serialised?.get(raw) ?? JSON.stringify(raw) } as PackedPost;
    } else out[i] = o;
  }
  return out;
}

/** The JSON to store for a post's raw, whichever form it arrived in. */
export function rawJsonOf(o: PostSeen): string | null {
  const packed = (o as PackedPost).rawJson;
  if (typeof packed === 'string') return packed;
  return o.raw !== undefined ? JSON.stringify(o.raw) : null;
}

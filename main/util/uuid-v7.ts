// Time-ordered UUIDs (RFC 9562 version 7) for new personas and humans. Their ids are primary keys
// (and accounts.persona is indexed): a random v4 id lands on a random page of each of those
// B-trees, so a bulk import creating hundreds of thousands of personas dirtied a different page
// per new account; v7 ids created one after another sort one after another and fill the same
// few pages. Layout: 48 bits of Unix milliseconds, version 7, 12 bits of a counter that keeps ids
// made in the same millisecond increasing (seeded at random each new millisecond, RFC 9562
// method 1), the variant, then 62 random bits. They are ordinary UUIDs to everything else.
import { randomBytes } from 'node:crypto';

let lastMs = -1;
let counter = 0;
const pool = Buffer.alloc(8 * 256);
let poolAt = pool.length;

function randomTail(): Buffer {
  if (poolAt >= pool.length) {
    randomBytes(pool.length).copy(pool);
    poolAt = 0;
  }
  poolAt += 8;
  return pool.subarray(poolAt - 8, poolAt);
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** A new version-7 UUID; ids from one process are strictly increasing. */
export function uuidV7(now: number = Date.now()): string {
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    counter++;
    if (counter > 0xfff) {
      // 4096 ids in one millisecond: borrow the next millisecond rather than repeat or go back.
      ms = lastMs + 1;
      counter = randomTail()[0]! & 0x3ff;
    }
  } else counter = randomTail()[0]! & 0x3ff; // leave headroom for the ids that follow
  lastMs = ms;
  const tail = randomTail();
  const time = hex(ms, 12);
  const variant = hex(((tail[0]! & 0x3f) | 0x80) * 256 + tail[1]!, 4);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(counter, 3)}-${variant}-${tail.subarray(2, 8).toString('hex')}`;
}

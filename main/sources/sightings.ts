// Folds repeated sightings of an account under the same names (every mention of a popular account
// in an archive is one): the first sighting is sent at once, so the account and its names exist
// early; later ones only widen a remembered [earliest, latest] time; when the account is forgotten
// (drain() at the end, or as the least recently seen once `cap` accounts are remembered) at most
// two more observations carry those extremes. The store's first/last seen come out exactly as if
// every sighting had been applied.
//
// Why it is worth remembering many accounts: every sighting that reaches the store moves its
// names' entries in the last-seen indexes, a random page each; on a million-tweet archive with
// mentions spread over 250k users, a 50k-account memory let most sightings through, and they were
// most of the writer's page writes. So an entry is small: its key (the account and its names as
// one JSON string, from which the extremes are rebuilt) maps to a slot in typed arrays holding
// the times, about 150 bytes in all (37 MB for 265k accounts); the observation itself is not kept.
import type { AccountSeen, NameSeen, Provenance } from '../model/observations.js';
import { NAME_KINDS } from '../model/observations.js';
import { checkInstant, instantToMs } from '../model/validate.js';

/** Accounts remembered by default: ~55 MB at most, all of a million-tweet archive's 265k. */
export const DEFAULT_SIGHTINGS_CAP = 300_000;

export class SightingFolder {
  /** Key -> slot; a Map keeps insertion order, so the first key is the least recently seen. */
  private readonly slots = new Map<string, number>();
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  /** The time of the sighting that was sent. */
  private readonly sent: Float64Array;
  private readonly provenance: (Provenance | undefined)[];
  /** One provenance object per source and file (the extremes name no record: they are many). */
  private readonly provenances = new Map<string, Provenance>();
  private readonly free: number[] = [];
  private used = 0;
  /** Sightings folded into an earlier one. */
  folded = 0;

  constructor(
    private readonly cap: number,
    /** Receives the extremes of a forgotten account (to be applied like any observation). */
    private readonly emit: (o: AccountSeen) => void,
  ) {
    if (!(cap >= 1)) throw new RangeError('the sightings cap must be at least 1');
    this.min = new Float64Array(cap);
    this.max = new Float64Array(cap);
    this.sent = new Float64Array(cap);
    this.provenance = new Array<Provenance | undefined>(cap);
  }

  get size(): number {
    return this.slots.size;
  }

  /**
   * True when `o` was folded into a remembered sighting (nothing to send). False when it must be
   * sent: it is then remembered, unless it is not a plain sighting (a profile, no valid time).
   */
  fold(o: AccountSeen): boolean {
    if (o.profile || o.seenAt === undefined) return false;
    let t: number;
    try {
      t = instantToMs(checkInstant(o.seenAt, 'seenAt'));
    } catch {
      return false; // sent as it is: validation will say what is wrong with it
    }
    const key = keyOf(o);
    if (key === undefined) return false;
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      this.folded++;
      if (t < this.min[slot]!) this.min[slot] = t;
      if (t > this.max[slot]!) this.max[slot] = t;
      this.slots.delete(key);
      this.slots.set(key, slot);
      return true;
    }
    if (this.slots.size >= this.cap) this.forgetOldest();
    const s = this.free.pop() ?? this.used++;
    this.min[s] = this.max[s] = this.sent[s] = t;
    this.provenance[s] = this.internProvenance(o.provenance);
    this.slots.set(key, s);
    return false;
  }

  /** Emit every remembered account's extremes (to `emit`, by default the constructor's) and forget them all. */
  drain(emit: (o: AccountSeen) => void = this.emit): void {
    for (const [key, slot] of this.slots) this.emitExtremes(key, slot, emit);
    this.slots.clear();
    this.free.length = 0;
    this.used = 0;
    this.provenance.fill(undefined);
  }

  private forgetOldest(): void {
    const [key, slot] = this.slots.entries().next().value as [string, number];
    this.slots.delete(key);
    this.emitExtremes(key, slot, this.emit);
    this.provenance[slot] = undefined;
    this.free.push(slot);
  }

  private emitExtremes(key: string, slot: number, emit: (o: AccountSeen) => void): void {
    const sent = this.sent[slot]!;
    const lo = this.min[slot]!;
    const hi = this.max[slot]!;
    if (lo === sent && hi === sent) return;
    const { externalId, names } = fromKey(key);
    const provenance = this.provenance[slot]!;
    const at = (ms: number): AccountSeen => ({ type: 'account', externalId, ...(names ? { names } : {}), seenAt: new Date(ms).toISOString(), provenance });
    if (lo < sent) emit(at(lo));
    if (hi > sent) emit(at(hi));
  }

  private internProvenance(p: Provenance): Provenance {
    const k = `${p.source}\u0000${p.file ?? ''}`;
    let v = this.provenances.get(k);
    if (!v) {
      v = p.file === undefined ? { source: p.source } : { source: p.source, file: p.file };
      this.provenances.set(k, v);
    }
    return v;
  }
}

/**
 * The account and its names as one string: `["ext","0@handle","1Display Name"]` (each name led by
 * its kind's index). Undefined for a sighting validation will refuse (it is sent, not folded).
 */
function keyOf(o: AccountSeen): string | undefined {
  if (typeof o.externalId !== 'string') return undefined;
  const parts: string[] = [o.externalId];
  if (o.names === undefined) parts.push('');
  else {
    if (!Array.isArray(o.names)) return undefined;
    for (const n of o.names) {
      const kind = NAME_KINDS.indexOf(n?.kind);
      if (kind < 0 || typeof n.name !== 'string') return undefined;
      parts.push(`${kind}${n.name}`);
    }
  }
  return JSON.stringify(parts);
}

function fromKey(key: string): { externalId: string; names?: NameSeen[] } {
  const [externalId, ...rest] = JSON.parse(key) as string[];
  if (rest.length === 1 && rest[0] === '') return { externalId: externalId! };
  return { externalId: externalId!, names: rest.map((s) => ({ kind: NAME_KINDS[Number(s[0])]!, name: s.slice(1) })) };
}

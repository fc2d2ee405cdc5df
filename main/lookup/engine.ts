// The lookup engine: plans a query into steps by tier, asks a backend for candidates with
// bounded work, classifies them (./match.ts) and ranks people. Dialect-neutral.
//
// Ranking: exact > prefix > word-prefix > substring > fuzzy; within a tier the more recently
// seen person first (by the most recent matching name), then the name closest in length to the
// pattern (the original's order). A persona owned by a human counts as that human, once.
//
// Speed: every step first counts its matches through an index, up to `cap`. Within the cap, the
// database sorts them by recency and hands over only the newest few. A pattern that matches more
// (a one-letter prefix matches hundreds of thousands of names) is never sorted in full: the step
// walks the last_seen index newest first instead, looking at a bounded number of names, until it
// has found a few. Steps run best tier first and stop as soon as enough people are known at that
// tier or better, so `ada` never pays for substring or fuzzy search.
import type { LookupHit, MatchTier, PersonDto } from '../../shared/people.js';
import type { Filter, LookupBackend, NameRow, Owner, Predicate } from './backend.js';
import { classify, classifyFuzzy, tierRank, type Match } from './match.js';
import { chars, fuzzyPieces, maxEdits, parseQuery, words, type LookupQuery } from './query.js';

export interface LookupOptions {
  /** How many people to return (the original's `-l`, default 3). */
  limit?: number;
  /** Only exact matches. */
  exact?: boolean;
  /** Most names a step ranks in full before switching to the most recent ones. */
  cap?: number;
  /** Most recently seen names a capped step looks through. */
  budget?: number;
}

export const DEFAULT_LIMIT = 3;
export const MAX_LIMIT = 1000;
/** Most names containing a piece of the pattern the fuzzy fallback checks, per piece. */
const FUZZY_SCAN = 1000;

export interface RankedPerson {
  /** A human id when the matched persona has an owner, else the persona id. */
  id: string;
  kind: 'human' | 'persona';
  matched: { name: string; kind: string; tier: MatchTier; externalId: string };
  score: number;
  lastSeen: number | null;
}

/** Where PersonDto comes from: the Store, or the light read-only reader of the CLI. */
export interface PersonSource {
  person(id: string): Promise<PersonDto | null>;
}

interface Step {
  tier: MatchTier;
  pred: Predicate;
  /** After this step every name of `tier` or better is known (unless the step was capped). */
  checkpoint: boolean;
}

interface Found {
  row: NameRow;
  match: Match;
  lenDiff: number;
}

function planSteps(q: LookupQuery): Step[] {
  const forms = [q.key, `@${q.key}`];
  const steps: Step[] = [];
  if (q.mode === 'phone') {
    // Phone accounts are keyed by their number (tel+number:+441234...): an index range finds them
    // whatever punctuation their stored names use.
    steps.push({ tier: 'prefix', pred: { type: 'account-prefix', values: [`tel+number:+${q.digits}`, `tel+number:${q.digits}`] }, checkpoint: false });
  }
  steps.push({ tier: 'exact', pred: { type: 'equals', values: forms }, checkpoint: true });
  if (q.exact) return steps;
  steps.push({ tier: 'prefix', pred: { type: 'prefix', values: forms }, checkpoint: true });
  if (q.mode === 'phone') steps.push({ tier: 'substring', pred: { type: 'contains', value: q.digits }, checkpoint: false });
  if (chars(q.key).length >= 3) {
    // Word prefixes are substrings: one trigram fetch, word starts first, serves both tiers.
    steps.push({ tier: 'substring', pred: { type: 'contains', value: q.key, wordsFirst: true }, checkpoint: true });
  } else {
    if (words(q.key).length > 0) steps.push({ tier: 'word-prefix', pred: { type: 'words', key: q.key }, checkpoint: true });
    steps.push({ tier: 'substring', pred: { type: 'contains', value: q.key }, checkpoint: true });
  }
  return steps;
}


function compareFound(a: Found, b: Found): number {
  return (
    tierRank(a.match.tier) - tierRank(b.match.tier) ||
    a.match.distance - b.match.distance ||
    (b.row.lastSeen ?? -Infinity) - (a.row.lastSeen ?? -Infinity) ||
    a.lenDiff - b.lenDiff ||
    (a.row.fold < b.row.fold ? -1 : a.row.fold > b.row.fold ? 1 : 0) ||
    a.row.id - b.row.id
  );
}

const TIER_SCORE: Record<MatchTier, number> = { exact: 1, prefix: 0.8, 'word-prefix': 0.6, substring: 0.4, fuzzy: 0.2 };

function score(f: Found): number {
  const s = TIER_SCORE[f.match.tier] - 0.05 * f.match.distance - 0.001 * Math.min(f.lenDiff, 50);
  return Math.round(s * 1000) / 1000;
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit)));
}

/** One lookup: its state lives here so the engine itself is stateless and reentrant. */
class Run {
  readonly found = new Map<number, Found>();
  readonly owners = new Map<number, Owner | null>();
  readonly keyLength: number;
  readonly filter: Filter;

  constructor(
    readonly backend: LookupBackend,
    readonly q: LookupQuery,
    readonly limit: number,
    /** Names fetched per step: the most recent ones, with room for several names per person. */
    readonly max: number,
    /** Names a capped step's recency scan looks for. */
    readonly recentMax: number,
    readonly cap: number,
    readonly budget: number,
  ) {
    this.keyLength = chars(q.key).length;
    this.filter = { handlesOnly: q.mode === 'handle' };
  }

  async fetch(step: Step): Promise<void> {
    const { backend, filter, cap, max } = this;
    const n = await backend.count(step.pred, cap);
    let rows: NameRow[];
    if (n !== null && n <= cap) {
      rows = n === 0 ? [] : await backend.newest(step.pred, filter, max);
    } else {
      // The scan's cost grows with the rows it must find, so it asks only for a few per person.
      const few = this.recentMax;
      rows = await backend.recent(step.pred, filter, few, this.budget);
      // Fewer than asked: the budget ran out before enough recent matches were seen (their
      // names are old). Add some matches in index order so the step is not left empty; but a
      // substring of one or two letters has no index, and only recently seen names are searched.
      if (rows.length < few && n !== null) rows = rows.concat(await backend.some(step.pred, filter, max));
    }
    for (const row of rows) {
      if (this.found.has(row.id)) continue;
      const match = classify(row, this.q);
      if (!match) continue;
      this.found.set(row.id, { row, match, lenDiff: Math.abs(chars(row.fold).length - this.keyLength) });
    }
  }

  /**
   * The typo-tolerant fallback. With e typos, one of e+1 pieces of the pattern is intact, so
   * the names containing some piece are the candidates; rarest pieces first, each looked at
   * only so far, and filtered by edit distance where the names are.
   */
  async fuzzy(): Promise<void> {
    const edits = maxEdits(this.keyLength);
    if (edits === 0) return;
    const pieces: { piece: string; n: number }[] = [];
    for (const piece of fuzzyPieces(this.q.key)) {
      const n = await this.backend.count({ type: 'contains', value: piece }, this.cap);
      if (n !== null && n > 0) pieces.push({ piece, n });
    }
    pieces.sort((a, b) => a.n - b.n);
    for (const { piece } of pieces.slice(0, 3)) {
      const rows = await this.backend.fuzzy(piece, this.q.key, edits, this.filter, this.max, FUZZY_SCAN);
      for (const row of rows) {
        if (this.found.has(row.id)) continue;
        const match = classifyFuzzy(row, this.q);
        if (match) this.found.set(row.id, { row, match, lenDiff: Math.abs(chars(row.fold).length - this.keyLength) });
      }
      if (this.found.size >= this.max) return;
    }
  }

  /** The best `limit` people among the found names of `tier` or better. */
  async people(worst: MatchTier): Promise<RankedPerson[]> {
    const ranked = [...this.found.values()].filter((f) => tierRank(f.match.tier) <= tierRank(worst)).sort(compareFound);
    const out: RankedPerson[] = [];
    const seen = new Set<string>();
    let chunk = 32;
    for (let i = 0; i < ranked.length && out.length < this.limit; i++) {
      const f = ranked[i]!;
      if (!this.owners.has(f.row.account)) {
        // Resolve owners a chunk at a time, in rank order: only as many as the answer needs.
        const pending: number[] = [];
        for (let j = i; j < ranked.length && pending.length < chunk; j++) {
          const a = ranked[j]!.row.account;
          if (!this.owners.has(a) && !pending.includes(a)) pending.push(a);
        }
        chunk = Math.min(chunk * 2, 1024);
        const got = await this.backend.owners(pending);
        for (const a of pending) this.owners.set(a, got.get(a) ?? null);
      }
      const owner = this.owners.get(f.row.account);
      if (!owner) continue; // the account went away since the candidates were read
      const id = owner.human ?? owner.persona;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({
        id,
        kind: owner.human ? 'human' : 'persona',
        matched: { name: f.row.name, kind: f.row.kind, tier: f.match.tier, externalId: f.row.externalId ?? owner.externalId },
        score: score(f),
        lastSeen: f.row.lastSeen,
      });
    }
    return out;
  }
}

/** Rank the people matching `pattern`: human or persona ids, best first, at most `limit`. */
export async function rankPeople(backend: LookupBackend, pattern: string, options: LookupOptions = {}): Promise<RankedPerson[]> {
  const q = parseQuery(pattern, { exact: options.exact === true });
  if (!q) return [];
  const limit = clampLimit(options.limit);
  const max = Math.max(20, 4 * limit);
  const recentMax = 2 * limit + 4;
  // The cap balances two costs: sorting every match by recency (grows with the cap) and the
  // recency scan of a capped step (walks about recentMax * names / cap names, since at least
  // cap/names of them match): they meet at sqrt(recentMax * names). The budget bounds the scan
  // when the matches are all old.
  const cap = options.cap ?? Math.max(200, Math.round(Math.sqrt(recentMax * (await backend.size()))));
  const budget = options.budget ?? Math.ceil(cap / 2);
  const run = new Run(backend, q, limit, max, recentMax, cap, budget);
  for (const step of planSteps(q)) {
    await run.fetch(step);
    if (step.checkpoint) {
      const people = await run.people(step.tier);
      if (people.length >= limit) return people;
    }
  }
  const people = await run.people('substring');
  if (people.length > 0 || q.exact) return people;
  await run.fuzzy();
  return run.people('fuzzy');
}

/** Look up `pattern` and load each person: what `skrode whois --json` and the popup show. */
export async function lookup(backend: LookupBackend, source: PersonSource, pattern: string, options: LookupOptions = {}): Promise<LookupHit[]> {
  const ranked = await rankPeople(backend, pattern, options);
  const hits: LookupHit[] = [];
  const seen = new Set<string>();
  for (const r of ranked) {
    const person = await source.person(r.id);
    // A store may fold a persona into a human by a link the ranking did not count (a
    // 'suspected' one): print that human once all the same.
    if (!person || seen.has(person.id)) continue;
    seen.add(person.id);
    hits.push({ person, matched: r.matched, score: r.score });
  }
  return hits;
}

// A synthetic people database for the whois benchmarks: seeded, so every run sees the same data.
// Names are built from syllables into sizeable first- and last-name lists picked with a Zipf-like
// skew (a few very common names, a long tail), with handles, e-mail addresses, renamed handles
// and some accented names, written straight into the tables and the FTS indexes. Not used by the
// app.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fold } from '../model/fold.js';
import { openSqlite } from '../store/sqlite/open.js';
import { rng } from '../util/rng.js';

export interface SyntheticSample {
  firstNames: string[];
  lastNames: string[];
  displays: string[];
  handles: string[];
  emails: string[];
}

export interface SyntheticResult {
  accounts: number;
  names: number;
  sample: SyntheticSample;
}

const SYLLABLES = ['an', 'ber', 'ca', 'da', 'el', 'fi', 'go', 'ha', 'is', 'jo', 'ka', 'li', 'ma', 'no', 'ol', 'pe', 'ri', 'sa', 'ti', 'ul', 'vi', 'wa', 'ye', 'zo', 'mar', 'son', 'ton', 'ley', 'ric', 'ste', 'ven', 'dor', 'kin', 'lin', 'mon', 'nes', 'rat', 'sha', 'tho', 'gen'];
const ACCENTED: Record<string, string> = { a: 'å', e: 'é', o: 'ö', u: 'ü', i: 'ï', n: 'ñ' };
const DOMAINS = ['example.org', 'example.com', 'mail.example.net', 'posteo.example', 'uni.example.edu', 'work.example.co', 'fastmail.example', 'proton.example'];
const SERVICES = ['twitter', 'mastodon', 'github', 'lobsters', 'hackernews', 'keybase', 'bluesky', 'irc'];
const YEAR = 365 * 86_400_000;

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function nameList(r: () => number, count: number, minSyl: number, maxSyl: number): string[] {
  const seen = new Set<string>();
  while (seen.size < count) {
    const n = minSyl + Math.floor(r() * (maxSyl - minSyl + 1));
    let s = '';
    for (let i = 0; i < n; i++) s += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    seen.add(s);
  }
  return [...seen];
}

/** Zipf-like (log-uniform) choice: index k is picked with probability about 1/(k+1). */
function zipf<T>(r: () => number, list: readonly T[]): T {
  return list[Math.min(list.length - 1, Math.floor(Math.exp(r() * Math.log(list.length + 1))) - 1)]!;
}

/** Fill a migrated, empty Skrode SQLite database with `accounts` accounts (about 3 names each). */
export function fillSynthetic(db: Database.Database, accounts: number, log: (m: string) => void = () => {}): SyntheticResult {
  const r = rng(20240101);
  const firsts = nameList(r, 3000, 1, 3);
  const lasts = nameList(r, 12000, 2, 4);
  const t0 = Date.UTC(2019, 0, 1);
  const sample: SyntheticSample = { firstNames: firsts.slice(0, 500), lastNames: lasts.slice(0, 2000), displays: [], handles: [], emails: [] };
  const s = {
    human: db.prepare('INSERT INTO humans (id, is_self, created_at) VALUES (?, 0, ?)'),
    persona: db.prepare('INSERT INTO personas (id, created_at) VALUES (?, ?)'),
    control: db.prepare("INSERT INTO persona_control (human, persona, rel, created_at) VALUES (?, ?, 'owns', ?)"),
    account: db.prepare('INSERT INTO accounts (id, external_id, service, persona, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)'),
    name: db.prepare('INSERT INTO names (account, name, kind, fold, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)'),
  };
  const uuid = (prefix: number, i: number) => `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  let names = 0;
  let persona = '';
  const every = Math.max(1, Math.floor(accounts / 2000));
  db.transaction(() => {
    for (let i = 1; i <= accounts; i++) {
      // Every fifth account is another service's account of the previous persona; every
      // twentieth persona is owned by a human.
      if (i % 5 !== 0 || persona === '') {
        persona = uuid(1, i);
        s.persona.run(persona, t0);
        if (i % 20 === 1) {
          const human = uuid(2, i);
          s.human.run(human, t0);
          s.control.run(human, persona, t0);
        }
      }
      let first = zipf(r, firsts);
      let last = zipf(r, lasts);
      const seen = t0 + Math.floor(r() * 5 * YEAR);
      const service = SERVICES[i % SERVICES.length]!;
      s.account.run(i, `${service}+user:${i}`, service, persona, t0, seen);
      const display = r() < 0.05 ? capitalise(first) + ' ' + capitalise(last.replace(/[aeioun]/, (c) => ACCENTED[c] ?? c)) : `${capitalise(first)} ${capitalise(last)}`;
      const style = r();
      const handle = `@${style < 0.4 ? first + last : style < 0.7 ? `${first}_${last}` : first.charAt(0) + last}${style > 0.5 ? (i % 997).toString() : ''}`;
      const add = (name: string, kind: string, when: number) => {
        s.name.run(i, name, kind, fold(name), t0, when);
        names++;
      };
      add(handle, 'handle', seen);
      add(display, 'display', seen);
      const extra = r();
      let email: string | null = null;
      if (extra < 0.6) {
        email = `${first}.${last}${i % 100}@${zipf(r, DOMAINS)}`;
        add(email, 'email', seen - Math.floor(r() * YEAR));
      }
      if (extra > 0.6) {
        first = zipf(r, firsts);
        last = zipf(r, lasts);
        add(`@${first}${last}${i % 89}`, 'handle', seen - YEAR - Math.floor(r() * YEAR)); // a renamed handle
      }
      if (i % every === 0) {
        sample.displays.push(display);
        sample.handles.push(handle);
        if (email) sample.emails.push(email);
      }
      if (i % 200_000 === 0) log(`  ${i} accounts`);
    }
  })();
  log(`  indexing ${names} names (FTS5 word and trigram indexes)`);
  db.exec("INSERT INTO names_fts(names_fts) VALUES ('rebuild')");
  db.exec("INSERT INTO names_tri(names_tri) VALUES ('rebuild')");
  return { accounts, names, sample };
}

/** Bump when the generator changes, so cached databases are rebuilt. */
const CACHE_VERSION = 1;

/** Names to draw benchmark queries from: those of every k-th account, read back from the file. */
export function sampleOf(db: Database.Database, size = 2000): SyntheticSample {
  const { n } = db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number };
  const every = Math.max(1, Math.floor(n / size));
  const rows = db.prepare('SELECT name, kind, fold FROM names WHERE account % ? = 0 ORDER BY id').all(every) as { name: string; kind: string; fold: string }[];
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  const displays = of('display');
  const parts = displays.map((r) => r.fold.split(' '));
  return {
    displays: displays.map((r) => r.name),
    handles: of('handle').map((r) => r.name),
    emails: of('email').map((r) => r.name),
    firstNames: [...new Set(parts.map((p) => p[0]!))],
    lastNames: [...new Set(parts.map((p) => p.at(-1)!))],
  };
}

/** A synthetic database of `accounts` accounts, built once into `dir` and reused by later runs. */
export function cachedSyntheticDatabase(dir: string, accounts: number, log: (m: string) => void = () => {}): { file: string; sample: SyntheticSample } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `whois-v${CACHE_VERSION}-${accounts}.db`);
  if (!existsSync(file)) {
    const tmp = `${file}.building.db`;
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
    const t0 = performance.now();
    log(`building ${accounts} accounts into ${file}`);
    const db = openSqlite(tmp);
    try {
      db.pragma('synchronous = OFF');
      db.pragma('cache_size = -1048576'); // 1 GiB: the fold index is written in random order
      const r = fillSynthetic(db, accounts, log);
      db.pragma('wal_checkpoint(TRUNCATE)');
      log(`built ${r.names} names in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } finally {
      db.close();
    }
    for (const f of [`${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
    renameSync(tmp, file);
  } else {
    log(`using cached ${file}`);
    // A cache built before a later migration is brought up to date the way a user's store is.
    openSqlite(file).close();
  }
  const db = new Database(file, { readonly: true });
  try {
    return { file, sample: sampleOf(db) };
  } finally {
    db.close();
  }
}

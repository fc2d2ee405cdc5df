// `skrode export vcard|json`: open the configured store for reading, pick the people, write the
// cards or the backup. Kept apart from the command module so the CLI loads it only when export
// runs. SQLite is read through its own read-only connection (no writer thread); Postgres through
// the store's pool.

import { createWriteStream, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import type { PersonDto } from '../../shared/people.js';
import type { StoreDescriptor } from '../config/index.js';
import type { BackupSource } from './backup/dump.js';

export interface ExportGlobals {
  db?: string | undefined;
  config?: string | undefined;
}

export interface Output {
  write(s: string): unknown;
}

interface ExportSource {
  person(id: string): Promise<PersonDto | null>;
  allPeople(): Promise<string[]>;
  findPeople(pattern: string): Promise<string[]>;
  backup(): BackupSource;
  close(): Promise<void>;
}

const MAX_MATCHES = 1000;

async function openExportSource(g: ExportGlobals): Promise<ExportSource> {
  const { configuredStore } = await import('../store/from-config.js');
  const target: StoreDescriptor = await configuredStore({ db: g.db, config: g.config });
  const { rankPeople } = await import('../lookup/engine.js');
  if (target.kind === 'sqlite') {
    const [{ openSqlite }, { SqliteReads }, { SqliteLookupBackend }, { allPeopleSqlite }, { sqliteBackupSource }] = await Promise.all([
      import('../store/sqlite/open.js'),
      import('../store/sqlite/reads.js'),
      import('../lookup/sqlite-backend.js'),
      import('./people.js'),
      import('./backup/dump.js'),
    ]);
    const db = openSqlite(target.path, { readonly: true });
    const reads = new SqliteReads(db);
    return {
      person: async (id) => reads.person(id),
      allPeople: async () => allPeopleSqlite(db),
      findPeople: async (pattern) => (await rankPeople(new SqliteLookupBackend(db), pattern, { limit: MAX_MATCHES })).map((r) => r.id),
      backup: () => sqliteBackupSource(db),
      close: async () => {
        db.close();
      },
    };
  }
  const [{ openStore }, { PostgresLookupBackend }, { allPeoplePostgres }, { postgresBackupSource }] = await Promise.all([
    import('../store/from-config.js'),
    import('../lookup/postgres-backend.js'),
    import('./people.js'),
    import('./backup/dump.js'),
  ]);
  const store = await openStore(target);
  const pool = (store as unknown as { pool: import('pg').Pool }).pool;
  return {
    person: (id) => store.person(id),
    allPeople: () => allPeoplePostgres(pool),
    findPeople: async (pattern) => (await rankPeople(new PostgresLookupBackend(pool), pattern, { limit: MAX_MATCHES })).map((r) => r.id),
    backup: () => postgresBackupSource(pool),
    close: () => store.close(),
  };
}

export interface VCardExportOptions extends ExportGlobals {
  pattern?: string;
  all?: boolean;
  output?: string;
  dir?: string;
  version: 3 | 4;
}

/** Write the cards; returns the exit code (0 done, 1 nobody matched). */
export async function runVCardExport(options: VCardExportOptions, out: Output, err: Output): Promise<number> {
  const { personToVCard, vdirFileName } = await import('./vcard/person-card.js');
  const source = await openExportSource(options);
  try {
    const ids = options.all ? await source.allPeople() : await source.findPeople(options.pattern ?? '');
    if (ids.length === 0) {
      err.write(options.all ? 'skrode export: the store has nobody to export\n' : `skrode export: nobody matches ${JSON.stringify(options.pattern)}\n`);
      return 1;
    }
    if (options.dir) mkdirSync(options.dir, { recursive: true });
    const file = options.output ? createWriteStream(resolve(options.output)) : undefined;
    let written = 0;
    const writtenNames: string[] = [];
    for (const id of ids) {
      const person = await source.person(id);
      if (!person) continue; // removed since it was listed
      const card = personToVCard(person, { version: options.version });
      if (options.dir) {
        // vdir: one file per person, replaced atomically so a syncing address book never reads half a card.
        const target = join(options.dir, vdirFileName(person));
        writtenNames.push(vdirFileName(person));
        writeFileSync(`${target}.tmp`, card);
        renameSync(`${target}.tmp`, target);
      } else if (file) {
        if (!file.write(card)) await new Promise<void>((r) => file.once('drain', () => r()));
      } else {
        out.write(card);
      }
      written++;
    }
    if (file) {
      file.end();
      await finished(file);
    }
    let removed = 0;
    if (options.dir && options.all) removed = pruneVdir(options.dir, new Set(writtenNames));
    if (options.dir || options.output) {
      const gone = removed > 0 ? `; ${removed} card${removed === 1 ? '' : 's'} of people no longer in the store removed` : '';
      err.write(`skrode export: ${written} card${written === 1 ? '' : 's'} written to ${options.dir ?? options.output}${gone}\n`);
    }
    return 0;
  } finally {
    await source.close();
  }
}

/**
 * After a full export into a vdir, remove the cards Skrode wrote earlier for people that are gone
 * (merged into someone else, forgotten), so a syncing address book does not keep duplicates.
 * Only files Skrode itself writes are touched: `<uuid>.vcf` with Skrode's PRODID.
 */
function pruneVdir(dir: string, keep: Set<string>): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (keep.has(name) || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.vcf$/.test(name)) continue;
    const path = join(dir, name);
    const head = readFileSync(path, 'utf8').slice(0, 200);
    if (!/\r\nPRODID:-\/\/Skrode\/\/Skrode\/\/EN\r\n/.test(head)) continue;
    unlinkSync(path);
    removed++;
  }
  return removed;
}

export interface JsonExportOptions extends ExportGlobals {
  output?: string;
}

/** Stream the whole store as a JSON backup (docs/backup-format.md). */
export async function runJsonExport(options: JsonExportOptions, out: NodeJS.WritableStream, err: Output): Promise<number> {
  const { dumpBackup, streamSink } = await import('./backup/dump.js');
  const source = await openExportSource(options);
  try {
    const tmp = options.output ? `${resolve(options.output)}.partial` : undefined;
    const stream = tmp ? createWriteStream(tmp) : out;
    const summary = await dumpBackup(source.backup(), streamSink(stream));
    if (tmp) {
      (stream as ReturnType<typeof createWriteStream>).end();
      await finished(stream as ReturnType<typeof createWriteStream>);
      // Only a complete backup gets the name the user asked for.
      renameSync(tmp, resolve(options.output!));
      err.write(`skrode export: ${summary.rows} rows from ${summary.tables} tables written to ${options.output}\n`);
    }
    return 0;
  } finally {
    await source.close();
  }
}

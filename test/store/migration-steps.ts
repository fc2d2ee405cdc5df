// Test helper: a copy of a dialect's migrations folder holding only the first N migrations, so a
// test can migrate a database to step N-1, put rows in, then run the real migrations to N.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

export function migrationsFolder(dialect: 'sqlite' | 'postgres'): string {
  return join(import.meta.dirname, '..', '..', 'migrations', dialect);
}

export function journal(dialect: 'sqlite' | 'postgres'): Journal {
  return JSON.parse(readFileSync(join(migrationsFolder(dialect), 'meta', '_journal.json'), 'utf8')) as Journal;
}

export function migrationsUpTo(dialect: 'sqlite' | 'postgres', count: number): string {
  const dir = mkdtempSync(join(tmpdir(), `skrode-migrations-${dialect}-`));
  cpSync(migrationsFolder(dialect), dir, { recursive: true });
  const j = journal(dialect);
  j.entries = j.entries.slice(0, count);
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify(j, null, 2));
  return dir;
}

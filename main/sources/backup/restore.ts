// Reading a JSON backup (docs/backup-format.md) line by line and restoring it into an empty
// store. The file is checked as it streams: a wrong header or a newer version is refused before
// anything is written; a malformed row is reported with its line number and skipped; a file cut
// short (no final end line) is reported.

import { BACKUP_KIND, BACKUP_VERSION, backupTables, BackupValueError, checkValue, type ColumnSpec, type TableSpec } from '../../export/backup/format.js';
import type { RestoreTarget } from './targets.js';

export interface RestoreProblem {
  line: number;
  reason: string;
}

export interface RestoreSummary {
  tables: number;
  rows: number;
  skipped: number;
  complete: boolean;
}

export class BackupFormatError extends Error {
  override name = 'BackupFormatError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const BATCH = 500;

export async function restoreBackup(lines: AsyncIterable<string> | Iterable<string>, target: RestoreTarget, problem: (p: RestoreProblem) => void): Promise<RestoreSummary> {
  const specs = new Map(backupTables().map((t) => [t.name, t]));
  const summary: RestoreSummary = { tables: 0, rows: 0, skipped: 0, complete: false };
  let lineNo = 0;
  let started = false;
  let table: { spec: TableSpec; columns: ColumnSpec[]; rows: unknown[][]; lines: number[]; count: number } | undefined;
  const done = new Set<string>();

  const flush = async () => {
    if (!table || table.rows.length === 0) return;
    const failures = await target.insert(table.spec, table.columns, table.rows);
    for (const f of failures) problem({ line: table.lines[f.index]!, reason: `line ${table.lines[f.index]}: ${table.spec.name} row not restored: ${f.reason}` });
    summary.rows += table.rows.length - failures.length;
    summary.skipped += failures.length;
    table.rows = [];
    table.lines = [];
  };

  try {
    for await (const raw of lines) {
      lineNo++;
      const text = raw.trim();
      if (text === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        if (!started) throw new BackupFormatError(`not a Skrode backup: the first line is not JSON (${(e as Error).message})`, lineNo);
        problem({ line: lineNo, reason: `line ${lineNo}: not JSON (${(e as Error).message}); skipped` });
        summary.skipped++;
        continue;
      }
      if (!started) {
        const h = value as Record<string, unknown>;
        if (typeof h !== 'object' || h === null || h.skrode !== BACKUP_KIND) throw new BackupFormatError('not a Skrode backup: the first line must be {"skrode": "backup", ...}', lineNo);
        if (typeof h.version !== 'number' || h.version > BACKUP_VERSION) throw new BackupFormatError(`backup format version ${String(h.version)} is newer than this Skrode reads (${BACKUP_VERSION}); upgrade Skrode`, lineNo);
        started = true;
        await target.begin();
        continue;
      }
      if (Array.isArray(value)) {
        if (!table) {
          problem({ line: lineNo, reason: `line ${lineNo}: a row outside any table; skipped` });
          summary.skipped++;
          continue;
        }
        if (value.length !== table.columns.length) {
          problem({ line: lineNo, reason: `line ${lineNo}: ${table.spec.name} row has ${value.length} values for ${table.columns.length} columns; skipped` });
          summary.skipped++;
          continue;
        }
        try {
          value.forEach((v, i) => checkValue(table!.columns[i]!, v));
        } catch (e) {
          if (!(e instanceof BackupValueError)) throw e;
          problem({ line: lineNo, reason: `line ${lineNo}: ${table.spec.name} row skipped: ${e.message}` });
          summary.skipped++;
          continue;
        }
        table.rows.push(value);
        table.lines.push(lineNo);
        table.count++;
        if (table.rows.length >= BATCH) await flush();
        continue;
      }
      const obj = value as Record<string, unknown>;
      if (typeof obj === 'object' && obj !== null && typeof obj.table === 'string') {
        await flush();
        const spec = specs.get(obj.table);
        if (!spec) throw new BackupFormatError(`unknown table ${JSON.stringify(obj.table)} (a backup from a newer Skrode?)`, lineNo);
        if (done.has(spec.name)) throw new BackupFormatError(`table ${spec.name} appears twice`, lineNo);
        if (!Array.isArray(obj.columns) || obj.columns.some((c) => typeof c !== 'string')) throw new BackupFormatError(`table ${spec.name}: "columns" must be a list of names`, lineNo);
        const columns = (obj.columns as string[]).map((name) => {
          const c = spec.columns.find((x) => x.name === name);
          if (!c) throw new BackupFormatError(`table ${spec.name} has no column ${JSON.stringify(name)} here (a backup from a newer Skrode?)`, lineNo);
          return c;
        });
        table = { spec, columns, rows: [], lines: [], count: 0 };
        done.add(spec.name);
        continue;
      }
      if (typeof obj === 'object' && obj !== null && obj.end === BACKUP_KIND) {
        await flush();
        table = undefined;
        summary.complete = true;
        continue;
      }
      if (typeof obj === 'object' && obj !== null && typeof obj.end === 'string') {
        if (!table || obj.end !== table.spec.name) throw new BackupFormatError(`end of table ${JSON.stringify(obj.end)} without its start`, lineNo);
        await flush();
        if (obj.rows !== table.count) problem({ line: lineNo, reason: `line ${lineNo}: table ${table.spec.name} should have ${String(obj.rows)} rows, the file has ${table.count}` });
        summary.tables++;
        table = undefined;
        continue;
      }
      problem({ line: lineNo, reason: `line ${lineNo}: not a row, table or end line; skipped` });
      summary.skipped++;
    }
    if (!started) throw new BackupFormatError('the file is empty', lineNo);
    await flush();
    if (!summary.complete) problem({ line: lineNo, reason: `the backup ends at line ${lineNo} without its final end line: the file was cut short; what was there is restored` });
    await target.finish();
    return summary;
  } catch (e) {
    if (started) await target.abort();
    throw e;
  }
}

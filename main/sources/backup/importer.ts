// `skrode import skrode-backup.jsonl`: restore a JSON backup (docs/backup-format.md) into an
// EMPTY store, exactly: every table's rows with their ids. Recognised by its header line.

import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Importer, ImportContext, ImportSummary } from '../importer.js';
import { StoreError } from '../../store/port.js';
import { BackupFormatError, restoreBackup } from './restore.js';
import { postgresRestoreTarget, sqliteRestoreTarget, type RestoreTarget, type SqliteWriterHandle } from './targets.js';
import type pg from 'pg';

const HEADER = /^\uFEFF?\s*\{\s*"skrode"\s*:\s*"backup"/;

export const backupImporter: Importer = {
  name: 'backup',
  description: 'Skrode JSON backup (skrode export json), restored into an empty store',
  detect(_path, { isDirectory, head }) {
    if (isDirectory) return 0;
    return HEADER.test(head.subarray(0, 4096).toString('utf8')) ? 0.99 : 0;
  },
  run: importBackup,
};

/** The restore target for whichever store adapter the context holds. */
export function restoreTargetFor(store: ImportContext['store']): RestoreTarget {
  if (store.dialect === 'sqlite' && 'writer' in store) return sqliteRestoreTarget(store as unknown as SqliteWriterHandle);
  if (store.dialect === 'postgres' && 'pool' in store) return postgresRestoreTarget((store as unknown as { pool: pg.Pool }).pool);
  throw new StoreError(`cannot restore a backup into this ${store.dialect} store (no direct connection)`, 'invalid');
}

export async function importBackup(path: string, ctx: ImportContext): Promise<ImportSummary> {
  const total = statSync(path).size;
  const summary: ImportSummary = { importer: 'backup', path, observations: 0, problems: 0, counts: { rows: 0, tables: 0, skipped: 0 } };
  const input = createReadStream(path, { encoding: 'utf8', signal: ctx.signal });
  const rl = createInterface({ input, crlfDelay: Infinity });
  let bytes = 0;
  async function* lines() {
    let n = 0;
    for await (const line of rl) {
      bytes += Buffer.byteLength(line) + 1;
      if (++n % 10000 === 0) ctx.progress({ done: Math.min(bytes, total), total, unit: 'bytes', label: 'backup' });
      yield line;
    }
  }
  try {
    const r = await restoreBackup(lines(), restoreTargetFor(ctx.store), (p) => {
      summary.problems++;
      ctx.problem({ file: path, record: `line ${p.line}`, reason: p.reason.replace(/^line \d+: /, '') });
    });
    summary.counts = { rows: r.rows, tables: r.tables, skipped: r.skipped };
  } catch (e) {
    if (e instanceof BackupFormatError || (e instanceof StoreError && e.kind === 'conflict')) {
      summary.problems++;
      ctx.problem({ file: path, reason: e.message });
      return summary;
    }
    throw e;
  } finally {
    rl.close();
    input.destroy();
  }
  ctx.progress({ done: total, total, unit: 'bytes', label: 'backup' });
  return summary;
}

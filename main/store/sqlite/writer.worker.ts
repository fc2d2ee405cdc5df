// The SQLite writer thread: owns the ONLY write connection to the database. It opens (and
// migrates) the file on its first call, `open(path)`, then serves `{seq, method, args}` requests
// one at a time, each synchronous, answering `{seq, ok, value}` or `{seq, ok: false, error}`.
// With SKRODE_DEBUG_SQL set, calls over 40 ms are logged to stderr with their method name
// (SKRODE_DEBUG_SQL=all logs every call). `applyBulk` batches share one transaction that every
// other call commits first (bulk-transaction.ts); the thread's heap is bounded (heap-bound.ts).

import { parentPort, threadId } from 'node:worker_threads';
import { StoreError } from '../port.js';
import { openSqlite, type SqliteDb } from './open.js';
import { SqliteWriter, translateSqliteError } from './writer.js';
import { BulkTransaction } from './bulk-transaction.js';
import { HeapBound } from '../../util/heap-bound.js';
import { buildMethodTable, type WriterMethod } from './writer-methods.js';
import { SLOW_CALL_MS, type WriterRequest, type WriterResponse } from './writer-protocol.js';
// Extra method groups register themselves on import: add one import line per module here.
import '../../queue/sqlite/writer-registration.js';
import '../../topology/writer-registration.js';
import '../../sources/backup/writer-registration.js';
import './suggestions-registration.js';

// Bulk batches (store.applyBulk) share a transaction committed every 5 s, after 50 ms idle, or
// before any other call (see bulk-transaction.ts). At 1M tweets 5 s took the import from 106-113 s
// (2 s) to ~97 s; 10 s was no faster and keeps readers waiting longer.
const BULK = { maxAgeMs: 5000, idleMs: 50 };
// A batch applied here is mostly promoted to the old generation before it is garbage: without a
// bound this thread's heap grew to ~60-90 MB around 15-30 MB live on bench import-x-archive; with
// 24 MB of slack it stays under 30 MB for ~80 collections (~1 s) in a million-tweet import.
const WRITER_HEAP_SLACK_MB = 24;
const heap = new HeapBound(WRITER_HEAP_SLACK_MB * 2 ** 20);

const port = parentPort;
if (!port) throw new Error('writer.worker must run in a worker thread');

let db: SqliteDb | undefined;
let path = '';
let table: Map<string, WriterMethod> | undefined;
let bulk: BulkTransaction | undefined;
const debug = process.env.SKRODE_DEBUG_SQL;

function call(req: WriterRequest): unknown {
  if (req.method === 'open') {
    if (db) throw new StoreError('writer already open', 'conflict');
    path = String(req.args[0]);
    db = openSqlite(path);
    const writer = new SqliteWriter(db, path);
    table = buildMethodTable({ db, writer });
    bulk = new BulkTransaction(db, { ...BULK, onRollback: () => writer.clearCaches() });
    return { threadId };
  }
  if (req.method === 'threadId') return threadId;
  if (req.method === 'applyBulk') {
    const apply = table?.get('apply');
    if (!bulk || !apply) throw new StoreError('the writer is not open', 'invalid');
    const result = bulk.run(() => apply(req.args[0]));
    heap.check();
    return result;
  }
  // Everything else comes after the bulk batches before it, and sees them committed.
  bulk?.commit();
  if (req.method === 'commitBulk') return null;
  if (req.method === 'close') {
    db?.close();
    db = undefined;
    table = undefined;
    bulk = undefined;
    return null;
  }
  const fn = table?.get(req.method);
  if (!table) throw new StoreError('the writer is not open', 'invalid');
  if (!fn) throw new StoreError(`no writer method ${req.method}`, 'invalid');
  return fn(...req.args);
}

port.on('message', (req: WriterRequest) => {
  const t0 = performance.now();
  let res: WriterResponse;
  try {
    res = { seq: req.seq, ok: true, value: call(req) };
  } catch (e) {
    const err = translateSqliteError(e, path) as Error;
    res = {
      seq: req.seq,
      ok: false,
      error: { name: err?.name ?? 'Error', message: err?.message ?? String(e), ...(err instanceof StoreError ? { kind: err.kind } : {}) },
    };
  }
  const ms = performance.now() - t0;
  if (debug && (debug === 'all' || ms > SLOW_CALL_MS)) process.stderr.write(`[skrode sql] writer ${req.method} took ${ms.toFixed(1)} ms\n`);
  port.postMessage(res);
  if (req.method === 'close') port.close();
});

// `skrode import ~/Maildir`: a Maildir (cur/ new/ tmp/), including Maildir++ subfolders
// (`.Sent/cur`, `.Lists.dev/new`) and a folder of several Maildirs. tmp/ is skipped (messages
// still being delivered). One file is one message; a file over the size limit is read only up
// to its head, so a huge attachment is never loaded.
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { BatchWriter } from '../batch-writer.js';
import { type ImportContext, type ImportSummary, type Importer } from '../importer.js';
import { EmailCapture } from './capture.js';
import { StoreKnownAccounts } from './known-accounts.js';
import { SuggestionBuffer } from './suggestion-buffer.js';
import { processMessage } from './pipeline.js';
import { parseEmailPolicy } from './policy.js';

const HEAD_BYTES = 256 * 1024;
const MAX_DEPTH = 6;

export interface MaildirFolder {
  /** The Maildir's own directory. */
  dir: string;
  /** Its folder name relative to the import root (`INBOX` for the root itself, `.Sent` → `Sent`). */
  name: string;
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function isMaildir(dir: string): Promise<boolean> {
  return (await isDir(join(dir, 'cur'))) && (await isDir(join(dir, 'new')));
}

/** Every Maildir under `root` (the root itself, Maildir++ dot-folders, nested folders). */
export async function findMaildirs(root: string): Promise<MaildirFolder[]> {
  const out: MaildirFolder[] = [];
  const walk = async (dir: string, depth: number) => {
    if (await isMaildir(dir)) {
      const rel = relative(root, dir);
      out.push({ dir, name: rel === '' ? 'INBOX' : rel.split(/[\\/]/).map((p) => p.replace(/^\./, '')).join('/') });
    }
    if (depth >= MAX_DEPTH) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!e.isDirectory() || e.name === 'cur' || e.name === 'new' || e.name === 'tmp') continue;
      await walk(join(dir, e.name), depth + 1);
    }
  };
  await walk(root, 0);
  return out;
}

/** Maildir flags from a file name (`1700000000.M1P2.host:2,RS` → R, S). */
export function maildirFlags(name: string): string {
  const m = /:2,([A-Za-z]*)$/.exec(name);
  return m ? m[1]! : '';
}

async function readBounded(path: string, max: number): Promise<{ data: Buffer; size: number; truncated: boolean }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const truncated = size > max;
    const want = truncated ? HEAD_BYTES : size;
    const buf = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await fh.read(buf, got, want - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { data: buf.subarray(0, got), size, truncated };
  } finally {
    await fh.close();
  }
}

export async function importMaildir(path: string, ctx: ImportContext): Promise<ImportSummary> {
  const root = resolve(path);
  const policy = parseEmailPolicy(ctx.options?.email);
  const folders = await findMaildirs(root);
  const files: { file: string; folder: string }[] = [];
  for (const f of folders) {
    for (const sub of ['cur', 'new']) {
      let names: string[];
      try {
        names = await readdir(join(f.dir, sub));
      } catch (e) {
        ctx.problem({ file: join(f.dir, sub), reason: `cannot list folder: ${(e as Error).message}` });
        continue;
      }
      for (const n of names.sort()) if (!n.startsWith('.')) files.push({ file: join(f.dir, sub, n), folder: f.name });
    }
  }

  const writer = new BatchWriter(ctx.store);
  const suggestions = new SuggestionBuffer(ctx.store);
  const capture = new EmailCapture(policy, { source: 'maildir', file: root }, new StoreKnownAccounts(ctx.store));
  let problems = 0;
  const sink = {
    emit: (o: Parameters<BatchWriter['add']>[0]) => writer.add(o),
    suggest: (x: Parameters<SuggestionBuffer['add']>[0]) => suggestions.add(x),
    problem: (p: Parameters<ImportContext['problem']>[0]) => {
      problems++;
      ctx.problem(p);
    },
  };
  let done = 0;
  ctx.progress({ done, total: files.length, unit: 'items', label: 'maildir' });
  for (const { file, folder } of files) {
    if (ctx.signal?.aborted) break;
    done++;
    let read;
    try {
      read = await readBounded(file, policy.maxMessageBytes);
    } catch (e) {
      sink.problem({ file, reason: `cannot read message file: ${(e as Error).message}` });
      continue;
    }
    await processMessage(capture, file, { ...read, record: `${folder}/${basename(file)}`, folder }, sink);
    if (done % 200 === 0) ctx.progress({ done, total: files.length, unit: 'items', label: 'maildir' });
  }
  await writer.flush();
  await suggestions.flush();
  ctx.progress({ done, total: files.length, unit: 'items', label: 'maildir' });
  return { importer: 'maildir', path: root, observations: writer.observations, problems, counts: { ...capture.counts, files: files.length, folders: folders.length } };
}

export const maildirImporter: Importer = {
  name: 'maildir',
  description: 'A Maildir folder (cur/new/tmp), with Maildir++ subfolders',
  async detect(path, info) {
    if (!info.isDirectory) return 0;
    if (await isMaildir(path)) return 0.95;
    // A folder holding Maildirs (e.g. ~/Mail with one Maildir per account).
    return (await findMaildirs(path)).length > 0 ? 0.6 : 0;
  },
  run: (path, ctx) => importMaildir(path, ctx),
};

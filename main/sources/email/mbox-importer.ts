// `skrode import FILE.mbox` (and a Google Takeout mbox): streams the file message by message,
// applies observations in batches and records, after each applied batch, the byte offset to
// resume from. Re-importing is idempotent anyway (posts are keyed by Message-ID or a content
// hash); the cursor only saves the work.
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ImportContext, ImportSummary, Importer } from '../importer.js';
import { EmailCapture } from './capture.js';
import { StoreKnownAccounts } from './known-accounts.js';
import { BatchWriter } from '../batch-writer.js';
import { SuggestionBuffer } from './suggestion-buffer.js';
import { looksLikeMbox, splitMbox } from './mbox-split.js';
import { envelopeDate, processMessage } from './pipeline.js';
import { parseEmailPolicy } from './policy.js';

export const MBOX_CURSOR_SOURCE = 'mbox';
/** Save the resume offset after this many messages (once their batch is applied). */
const CURSOR_EVERY = 500;

interface MboxCursor {
  offset: number;
  size: number;
  /** A fingerprint of the file's first bytes, so a different file at the same path starts over. */
  head: string;
}

async function fingerprint(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const { createHash } = await import('node:crypto');
    return createHash('sha256').update(buf.subarray(0, bytesRead)).digest('hex').slice(0, 32);
  } finally {
    await fh.close();
  }
}

export interface MboxImportOptions {
  /** Ignore a saved cursor and read from the start. */
  fromStart?: boolean;
}

export async function importMbox(path: string, ctx: ImportContext, opts: MboxImportOptions = {}): Promise<ImportSummary> {
  const file = resolve(path);
  const policy = parseEmailPolicy(ctx.options?.email);
  const { size } = await stat(file);
  const head = await fingerprint(file);
  let start = 0;
  if (!opts.fromStart && ctx.options?.fromStart !== true) {
    const saved = await ctx.store.getCursor(MBOX_CURSOR_SOURCE, file);
    if (saved) {
      try {
        const c = JSON.parse(saved) as MboxCursor;
        if (c.head === head && Number.isInteger(c.offset) && c.offset > 0 && c.offset <= size) start = c.offset;
      } catch {
        /* a bad cursor means starting over, which is safe */
      }
    }
  }

  const writer = new BatchWriter(ctx.store);
  const suggestions = new SuggestionBuffer(ctx.store);
  const capture = new EmailCapture(policy, { source: 'mbox', file }, new StoreKnownAccounts(ctx.store));
  let problems = 0;
  let sinceCursor = 0;
  let lastEnd = start;
  const sink = {
    emit: (o: Parameters<BatchWriter['add']>[0]) => writer.add(o),
    suggest: (s: Parameters<SuggestionBuffer['add']>[0]) => suggestions.add(s),
    problem: (p: Parameters<ImportContext['problem']>[0]) => {
      problems++;
      ctx.problem(p);
    },
  };
  const saveCursor = async (offset: number) => {
    await writer.flush();
    await suggestions.flush();
    await ctx.store.setCursor(MBOX_CURSOR_SOURCE, file, JSON.stringify({ offset, size, head } satisfies MboxCursor));
  };

  ctx.progress({ done: start, total: size, unit: 'bytes', label: 'mbox' });
  let messages = 0;
  for await (const m of splitMbox(file, {
    start,
    maxMessageBytes: policy.maxMessageBytes,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onBytes: (pos) => ctx.progress({ done: pos, total: size, unit: 'bytes', label: 'mbox' }),
  })) {
    messages++;
    const fallbackDate = envelopeDate(m.envelope);
    await processMessage(
      capture,
      file,
      {
        data: m.data,
        truncated: m.truncated,
        size: m.size,
        record: `message ${m.index}${start > 0 ? ' after resume' : ''} at byte ${m.offset}`,
        ...(fallbackDate ? { fallbackDate } : {}),
      },
      sink,
    );
    lastEnd = m.end;
    if (++sinceCursor >= CURSOR_EVERY) {
      sinceCursor = 0;
      // Saved once this message's batch is committed; parsing goes on meanwhile.
      const offset = lastEnd;
      // Suggestions held back would be skipped by a resume from this offset: store them first.
      writer.checkpoint(async () => {
        await suggestions.flush();
        await ctx.store.setCursor(MBOX_CURSOR_SOURCE, file, JSON.stringify({ offset, size, head } satisfies MboxCursor));
      });
    }
    if (ctx.signal?.aborted) break;
  }
  await saveCursor(ctx.signal?.aborted ? lastEnd : size);
  ctx.progress({ done: ctx.signal?.aborted ? lastEnd : size, total: size, unit: 'bytes', label: 'mbox' });
  return {
    importer: 'mbox',
    path: file,
    observations: writer.observations,
    problems,
    counts: { ...capture.counts, read: messages, resumedAt: start, storeWaitMs: Math.round(writer.waitedMs) },
  };
}

export const mboxImporter: Importer = {
  name: 'mbox',
  description: 'An mbox mail file (incl. a Google Takeout mbox: CRLF, X-GM-THRID, X-Gmail-Labels)',
  detect(_path, info) {
    if (info.isDirectory) return 0;
    return looksLikeMbox(info.head) ? 0.9 : 0;
  },
  run: (path, ctx) => importMbox(path, ctx),
};

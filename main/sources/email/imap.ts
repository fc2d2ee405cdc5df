// Live IMAP: follow the configured folders of one account with imapflow. Each folder resumes
// from its UIDVALIDITY and the last UID applied (kept in the store's ingest cursors), so a
// restart reads only new mail; a changed UIDVALIDITY means the server renumbered the folder and
// we read it again (harmless: posts are keyed by Message-ID). Lost connections are retried with
// backoff. Messages over the size limit are fetched as headers only.
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import type { Observation } from '../../model/observations.js';
import type { Store, SuggestionSighting } from '../../store/port.js';
import { BatchWriter } from '../batch-writer.js';
import type { ImportProblem } from '../importer.js';
import { EmailCapture } from './capture.js';
import { StoreKnownAccounts } from './known-accounts.js';
import { SuggestionBuffer } from './suggestion-buffer.js';
import { processMessage } from './pipeline.js';
import type { EmailPolicy } from './policy.js';

export interface ImapAccount {
  /** A short name for cursors and messages: `work`. */
  name: string;
  host: string;
  port?: number;
  /** TLS from the start (993). false: STARTTLS when offered. */
  secure?: boolean;
  user: string;
  /** From the environment or keychain (`!skrode/env`, `!skrode/keychain`), never logged. */
  password?: string;
  accessToken?: string;
  folders?: string[];
  /** For a test server with a self-signed certificate only. */
  allowSelfSigned?: boolean;
  /** Idle time (ms) before imapflow enters IDLE and can hear about new mail. */
  autoIdleDelay?: number;
}

export interface ImapFolderCursor {
  uidValidity: string;
  lastUid: number;
}

export interface ImapSyncOptions {
  store: Store;
  policy: EmailPolicy;
  onProblem?: (p: ImportProblem) => void;
  log?: (msg: string) => void;
  /** Messages fetched per round trip. */
  chunk?: number;
}

export function imapCursorSource(account: string): string {
  return `imap:${account}`;
}

export function imapClientOptions(acc: ImapAccount) {
  if (!acc.password && !acc.accessToken) throw new Error(`imap ${acc.name}: no password or accessToken (give one with !skrode/env NAME or !skrode/keychain)`);
  return {
    host: acc.host,
    port: acc.port ?? (acc.secure === false ? 143 : 993),
    secure: acc.secure ?? true,
    auth: acc.accessToken ? { user: acc.user, accessToken: acc.accessToken } : { user: acc.user, pass: acc.password! },
    logger: false as const,
    ...(acc.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
    autoIdleDelay: acc.autoIdleDelay ?? 2000,
  };
}

/** One account's sync over an open connection. */
export class ImapSync {
  private readonly capture: EmailCapture;
  private readonly lastUids = new Map<string, number>();
  counts = { fetched: 0, stored: 0, headersOnly: 0, resets: 0 };

  /** The last UID read from a folder in this session (0 when none). */
  lastUid(folder: string): number {
    return this.lastUids.get(folder) ?? 0;
  }

  constructor(
    private readonly account: ImapAccount,
    private readonly opts: ImapSyncOptions,
  ) {
    this.capture = new EmailCapture(opts.policy, { source: `imap:${account.name}` }, new StoreKnownAccounts(opts.store));
  }

  private async cursor(folder: string): Promise<ImapFolderCursor | null> {
    const raw = await this.opts.store.getCursor(imapCursorSource(this.account.name), folder);
    if (!raw) return null;
    try {
      const c = JSON.parse(raw) as ImapFolderCursor;
      return typeof c.uidValidity === 'string' && Number.isInteger(c.lastUid) ? c : null;
    } catch {
      return null;
    }
  }

  /** The folders to follow, with the Sent folder recognised by its special-use flag. */
  async folders(client: ImapFlow): Promise<{ path: string; sent: boolean }[]> {
    const wanted = this.account.folders?.length ? this.account.folders : ['INBOX'];
    const list = await client.list();
    const out: { path: string; sent: boolean }[] = [];
    for (const w of wanted) {
      const hit = list.find((m) => m.path === w || m.path.toLowerCase() === w.toLowerCase() || (w.startsWith('\\') && m.specialUse === w));
      if (!hit) {
        this.opts.onProblem?.({ file: `imap:${this.account.name}`, record: w, reason: 'no such folder on the server' });
        continue;
      }
      out.push({ path: hit.path, sent: hit.specialUse === '\\Sent' });
    }
    return out;
  }

  /** Read what is new in one folder; returns how many messages were stored. */
  async syncFolder(client: ImapFlow, folder: { path: string; sent: boolean }, signal?: AbortSignal): Promise<number> {
    const file = `imap:${this.account.name}/${folder.path}`;
    const writer = new BatchWriter(this.opts.store, { batchSize: 1000 });
    const suggestions = new SuggestionBuffer(this.opts.store);
    const key = folder.path;
    const source = imapCursorSource(this.account.name);
    const lock = await client.getMailboxLock(folder.path, { readOnly: true });
    let stored = 0;
    try {
      // A folder that stayed selected learns about new mail only when the server next syncs it:
      // NOOP makes it report EXISTS before we ask for the new UIDs.
      await client.noop();
      const box = client.mailbox;
      if (!box) throw new Error(`${file}: could not open the folder`);
      const uidValidity = String(box.uidValidity);
      let cur = await this.cursor(key);
      if (cur && cur.uidValidity !== uidValidity) {
        this.opts.log?.(`${file}: UIDVALIDITY changed (${cur.uidValidity} → ${uidValidity}): reading the folder again`);
        this.counts.resets++;
        cur = null;
      }
      let lastUid = cur?.lastUid ?? 0;
      // (uidNext is not refreshed while the folder stays selected, so only `exists` is trusted.)
      if (box.exists === 0) {
        await this.opts.store.setCursor(source, key, JSON.stringify({ uidValidity, lastUid } satisfies ImapFolderCursor));
        this.lastUids.set(folder.path, lastUid);
        return 0;
      }
      // First the sizes (cheap), then the sources of the messages under the limit.
      const meta: { uid: number; size: number; date?: Date }[] = [];
      for await (const m of client.fetch(`${lastUid + 1}:*`, { uid: true, size: true, internalDate: true }, { uid: true })) {
        // `N:*` always returns the last message even when it is older than N.
        if (m.uid <= lastUid) continue;
        const d = m.internalDate instanceof Date ? m.internalDate : m.internalDate ? new Date(m.internalDate) : undefined;
        meta.push({ uid: m.uid, size: m.size ?? 0, ...(d && Number.isFinite(d.getTime()) ? { date: d } : {}) });
      }
      meta.sort((a, b) => a.uid - b.uid);
      const max = this.opts.policy.maxMessageBytes;
      const chunk = this.opts.chunk ?? 100;
      const sink = {
        emit: (o: Observation) => writer.add(o),
        suggest: (x: SuggestionSighting) => suggestions.add(x),
        problem: (p: ImportProblem) => this.opts.onProblem?.(p),
      };
      for (let i = 0; i < meta.length; i += chunk) {
        if (signal?.aborted) break;
        const part = meta.slice(i, i + chunk);
        const small = part.filter((m) => m.size <= max).map((m) => m.uid);
        const big = part.filter((m) => m.size > max).map((m) => m.uid);
        const got = new Map<number, FetchMessageObject>();
        if (small.length) for (const m of await client.fetchAll(small.join(','), { uid: true, source: true }, { uid: true })) got.set(m.uid, m);
        if (big.length) for (const m of await client.fetchAll(big.join(','), { uid: true, headers: true }, { uid: true })) got.set(m.uid, m);
        for (const m of part) {
          const msg = got.get(m.uid);
          this.counts.fetched++;
          const truncated = m.size > max;
          const data = truncated ? msg?.headers : msg?.source;
          if (!data) {
            sink.problem({ file, record: `UID ${m.uid}`, reason: 'the server returned no content for this message' });
          } else {
            if (truncated) this.counts.headersOnly++;
            const post = await processMessage(
              this.capture,
              file,
              { data, truncated, size: m.size, record: `UID ${m.uid}`, folder: folder.sent ? 'Sent' : folder.path, ...(m.date ? { fallbackDate: m.date } : {}) },
              sink,
            );
            if (post) stored++;
          }
          lastUid = m.uid;
        }
        // The cursor moves only past what the store has applied.
        await writer.flush();
        await suggestions.flush();
        await this.opts.store.setCursor(source, key, JSON.stringify({ uidValidity, lastUid } satisfies ImapFolderCursor));
      }
      await writer.flush();
      await suggestions.flush();
      await this.opts.store.setCursor(source, key, JSON.stringify({ uidValidity, lastUid } satisfies ImapFolderCursor));
      this.lastUids.set(folder.path, lastUid);
    } finally {
      lock.release();
    }
    this.counts.stored += stored;
    return stored;
  }
}

export interface ImapFollowOptions extends ImapSyncOptions {
  signal: AbortSignal;
  /** How long to wait for new mail (IDLE) before checking every folder again. */
  pollMs?: number;
  /** Reconnect backoff bounds. */
  minRetryMs?: number;
  maxRetryMs?: number;
  /** Called after each completed pass over the folders (tests wait on it). */
  onPass?: (stored: number) => void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Follow an account until `signal` aborts: connect, read every folder, then wait in IDLE on the
 * first folder for new mail (or `pollMs` for the others); on any connection error, reconnect
 * with exponential backoff. Never throws for network trouble; a bad password is retried slowly
 * and reported each time.
 */
export async function followImapAccount(account: ImapAccount, opts: ImapFollowOptions): Promise<void> {
  const sync = new ImapSync(account, opts);
  const minRetry = opts.minRetryMs ?? 1000;
  const maxRetry = opts.maxRetryMs ?? 5 * 60_000;
  let retry = minRetry;
  const { signal } = opts;
  while (!signal.aborted) {
    const client = new ImapFlow(imapClientOptions(account));
    let closed = false;
    const closedOrAborted = new Promise<void>((resolve) => {
      client.on('close', () => {
        closed = true;
        resolve();
      });
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    client.on('error', (e: Error) => opts.log?.(`imap ${account.name}: ${e.message}`));
    try {
      await client.connect();
      retry = minRetry;
      const folders = await sync.folders(client);
      while (!signal.aborted && !closed) {
        let stored = 0;
        // The watched (first) folder is read last, so it stays selected for IDLE.
        for (const f of [...folders.slice(1), ...folders.slice(0, 1)]) {
          if (signal.aborted) break;
          stored += await sync.syncFolder(client, f, signal);
        }
        opts.onPass?.(stored);
        if (signal.aborted || closed) break;
        // Wait for new mail: with the first folder selected imapflow IDLEs, and EXISTS wakes us.
        const watch = folders[0];
        if (!watch) {
          await Promise.race([sleep(opts.pollMs ?? 5 * 60_000, signal), closedOrAborted]);
          continue;
        }
        const lock = await client.getMailboxLock(watch.path, { readOnly: true });
        // Mail that arrived between the read and now is already counted in a fresh SELECT and
        // will not be announced again: read at once.
        const box = client.mailbox;
        if (box && box.path === watch.path && box.uidNext > sync.lastUid(watch.path) + 1 && box.exists > 0) {
          lock.release();
          continue;
        }
        let wake: () => void = () => {};
        const woke = new Promise<void>((resolve) => (wake = resolve));
        const onExists = () => wake();
        client.on('exists', onExists);
        lock.release();
        await Promise.race([woke, sleep(opts.pollMs ?? 5 * 60_000, signal), closedOrAborted]);
        client.off('exists', onExists);
      }
    } catch (e) {
      if (signal.aborted) break;
      const err = e as Error & { authenticationFailed?: boolean; responseText?: string };
      const reason = err.authenticationFailed ? `login failed for ${account.user}: ${err.responseText ?? err.message}` : `${err.message}${err.responseText ? `: ${err.responseText}` : ''}`;
      opts.onProblem?.({ file: `imap:${account.name}`, reason: `${reason} (reconnecting in ${Math.round(retry / 1000)} s)` });
      if (err.authenticationFailed) retry = Math.max(retry, 60_000);
    } finally {
      try {
        if (!closed) await Promise.race([client.logout(), sleep(2000, new AbortController().signal)]);
      } catch {
        /* already gone */
      }
      client.close();
    }
    if (signal.aborted) break;
    await sleep(retry, signal);
    retry = Math.min(maxRetry, retry * 2);
  }
}

// Reads an X data archive (zip or folder) into observations, driven by data/manifest.js.
//
// One data file at a time, one element at a time (ytd-stream), so memory stays flat whatever the
// archive's size. The order matters: the owner first (account.js), long posts (note-tweet.js)
// before the tweets that need their text, then tweets, likes and DMs, and the id-only rows
// (followers, following, blocks, mutes) last. Those rows are not named here: each is an edge to
// the account `twitter+user:ID`, which every mention of that id seen in the archive has already
// named in the store (handle and display name, with when they were seen); an id never mentioned
// stays an account known by id until later evidence. So nothing grows with the archive here.
import type { Observation } from '../../model/observations.js';
import type { ImportProblem, ImportProgress } from '../importer.js';
import { openArchive, type ArchiveLimits, type ArchiveSource, DEFAULT_LIMITS } from './archive-source.js';
import { numericId } from './ids.js';
import { MAX_MANIFEST_BYTES, manifestFromNames, parseManifest, type Manifest } from './manifest.js';
import { ArchiveMapper, RecordError, type MapperCounts } from './map-archive.js';
import { readYtd, YtdFormatError } from './ytd-stream.js';

class SinkFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('the store failed');
  }
}

export interface ArchiveImportOptions {
  /** Receives every observation in order; awaited, so a slow store slows the reader (backpressure). */
  emit(o: Observation): Promise<void> | void;
  problem(p: ImportProblem): void;
  progress?(p: ImportProgress): void;
  signal?: AbortSignal;
  limits?: ArchiveLimits;
  maxElementChars?: number;
  /** Label for provenance (`x-archive`). */
  source?: string;
}

export interface ArchiveImportResult {
  owner?: { id: string; handle?: string; name?: string };
  counts: MapperCounts & { observations: number; problems: number; files: number };
  manifest: Manifest;
}

type Handler = (m: ArchiveMapper, rec: unknown, file: string, index: number) => Observation[];

const rec = (file: string, index: number) => ({ source: 'x-archive', file, record: `#${index}` });

/** Which manifest data types we read, in the order we read them. */
const PLAN: { types: string[]; handle: Handler }[] = [
  { types: ['profile'], handle: (m, r, f, i) => m.profile(r, rec(f, i)) },
  { types: ['screenNameChange'], handle: (m, r, f, i) => m.screenNameChange(r, rec(f, i)) },
  { types: ['tweets', 'tweet'], handle: (m, r, f, i) => m.tweet(r, rec(f, i)) },
  { types: ['like'], handle: (m, r, f, i) => m.like(r, rec(f, i)) },
  { types: ['directMessages'], handle: (m, r, f, i) => m.dmConversation(r, false, rec(f, i)) },
  { types: ['directMessagesGroup'], handle: (m, r, f, i) => m.dmConversation(r, true, rec(f, i)) },
  { types: ['follower'], handle: (m, r, f, i) => m.edge(r, 'follower', rec(f, i)) },
  { types: ['following'], handle: (m, r, f, i) => m.edge(r, 'following', rec(f, i)) },
  { types: ['block'], handle: (m, r, f, i) => m.edge(r, 'blocking', rec(f, i)) },
  { types: ['mute'], handle: (m, r, f, i) => m.edge(r, 'muting', rec(f, i)) },
  { types: ['listsCreated'], handle: (m, r, f, i) => m.list(r, 'created', rec(f, i)) },
  { types: ['listsMember'], handle: (m, r, f, i) => m.list(r, 'member', rec(f, i)) },
  { types: ['listsSubscribed'], handle: (m, r, f, i) => m.list(r, 'subscribed', rec(f, i)) },
];

/** Whether PATH looks like an X archive (for the importer registry's detect()). */
export async function looksLikeXArchive(path: string): Promise<boolean> {
  let src: ArchiveSource | undefined;
  try {
    src = await openArchive(path);
    return src.entries.has('data/manifest.js') || src.entries.has('data/tweets.js') || src.entries.has('data/tweet.js') || src.entries.has('data/account.js');
  } catch {
    return false;
  } finally {
    await src?.close();
  }
}

export async function importXArchive(path: string, opts: ArchiveImportOptions): Promise<ArchiveImportResult> {
  const src = await openArchive(path, opts.limits ?? DEFAULT_LIMITS);
  try {
    return await importFrom(src, opts);
  } finally {
    await src.close();
  }
}

async function importFrom(src: ArchiveSource, opts: ArchiveImportOptions): Promise<ArchiveImportResult> {
  let problems = 0;
  let observations = 0;
  let files = 0;
  const problem = (p: ImportProblem) => {
    problems++;
    opts.problem(p);
  };
  for (const p of src.problems) problem({ file: p.file, reason: p.reason });
  const mapper = new ArchiveMapper(opts.source ?? 'x-archive');
  const emitAll = async (obs: Observation[]) => {
    for (const o of obs) {
      observations++;
      await opts.emit(o);
    }
  };

  // 1. The manifest (or, failing that, the file names).
  let manifest: Manifest;
  if (src.entries.has('data/manifest.js')) {
    try {
      manifest = parseManifest(await src.readSmall('data/manifest.js', MAX_MANIFEST_BYTES));
    } catch (e) {
      problem({ file: 'data/manifest.js', reason: `unreadable manifest (${(e as Error).message}); finding data files by name instead` });
      manifest = manifestFromNames(src.entries.keys());
    }
  } else {
    problem({ file: 'data/manifest.js', reason: 'missing; finding data files by name instead' });
    manifest = manifestFromNames(src.entries.keys());
  }
  const ownerId = numericId(manifest.userInfo.accountId);
  if (ownerId) mapper.setOwner({ id: ownerId, handle: manifest.userInfo.userName, name: manifest.userInfo.displayName });

  const filesOf = (type: string): string[] =>
    (manifest.dataTypes.get(type) ?? []).map((f) => f.fileName).filter((f) => {
      if (src.entries.has(f)) return true;
      problem({ file: f, reason: 'listed in the manifest but not in the archive' });
      return false;
    });

  const allTypes = ['account', 'noteTweet', ...PLAN.flatMap((p) => p.types)];
  const totalBytes = allTypes.flatMap((t) => (manifest.dataTypes.get(t) ?? []).map((f) => src.entries.get(f.fileName)?.size ?? 0)).reduce((a, b) => a + b, 0);
  let doneBytes = 0;
  const progress = (label: string, fileBytes: number) => opts.progress?.({ done: doneBytes + fileBytes, total: totalBytes, unit: 'bytes', label });

  /** Stream one data file, calling `each` per element; reports bad elements and carries on. */
  const readFile = async (file: string, each: (value: unknown, index: number) => Promise<void> | void) => {
    files++;
    let fileBytes = 0;
    let last = 0;
    try {
      const stream = await src.open(file);
      try {
        for await (const item of readYtd(stream, {
          maxElementChars: opts.maxElementChars,
          onBytes: (n) => {
            fileBytes = n;
            if (n - last > 1 << 20) {
              last = n;
              progress(file, n);
            }
          },
        })) {
          if (opts.signal?.aborted) break;
          if ('error' in item) {
            problem({ file, record: `#${item.index}`, reason: item.error });
            continue;
          }
          try {
            await each(item.value, item.index);
          } catch (e) {
            if (e instanceof RecordError) problem({ file, record: `#${item.index}`, reason: e.message });
            else throw new SinkFailure(e);
          }
        }
      } finally {
        stream.destroy();
      }
    } catch (e) {
      // The store failing is fatal; the file failing (bad zip data, a bomb, not a YTD file) is
      // this file's problem only.
      if (e instanceof SinkFailure) throw e.cause;
      if (e instanceof YtdFormatError) problem({ file, reason: e.message });
      else problem({ file, reason: `unreadable: ${(e as Error).message}` });
    }
    doneBytes += src.entries.get(file)?.size ?? fileBytes;
    progress(file, 0);
  };

  // 2. The owner's account (identity, self), then long posts.
  for (const f of filesOf('account')) await readFile(f, (v, i) => emitAll(mapper.account(v, rec(f, i))));
  if (!mapper.owner) {
    problem({ file: 'data/account.js', reason: 'the archive owner is unknown (no manifest userInfo, no account.js); nothing can be attributed' });
    return { counts: { ...mapper.counts, observations, problems, files }, manifest };
  }
  if (filesOf('account').length === 0) {
    // No account.js: the manifest's owner is still the user's own account.
    const o = mapper.owner;
    const names: { name: string; kind: 'handle' | 'display' }[] = [];
    if (o.handle) names.push({ name: `@${o.handle}`, kind: 'handle' });
    if (o.name) names.push({ name: o.name, kind: 'display' });
    const prov = { source: 'x-archive', file: 'data/manifest.js', record: 'userInfo' };
    await emitAll([{ type: 'account', externalId: `twitter+user:${o.id}`, names, provenance: prov }, { type: 'identity', accounts: [`twitter+user:${o.id}`], self: true, provenance: prov }]);
  }
  for (const f of filesOf('noteTweet')) await readFile(f, (v) => mapper.noteTweet(v));

  // 3. Everything else, in plan order.
  for (const step of PLAN) {
    for (const type of step.types) {
      for (const f of filesOf(type)) {
        if (opts.signal?.aborted) break;
        await readFile(f, (v, i) => emitAll(step.handle(mapper, v, f, i)));
      }
    }
  }
  if (!opts.signal?.aborted) await emitAll(mapper.unmatchedNotes(filesOf('noteTweet')[0] ?? 'data/note-tweet.js'));
  return { owner: mapper.owner, counts: { ...mapper.counts, observations, problems, files }, manifest };
}

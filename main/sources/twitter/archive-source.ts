// The two shapes an X archive arrives in: the zip as downloaded, or the folder it unpacks to.
// Both are read lazily, one data file at a time, and both treat the input as hostile:
//  - zip: entry names that escape the archive (zip-slip: `..`, absolute paths, drive letters,
//    backslashes) are refused and reported, the other entries still read; limits on the number of
//    entries, each entry's and the total uncompressed size, and the compression ratio (zip bombs);
//    yauzl checks that an entry inflates to exactly its declared size.
//  - folder: a data file that resolves (through symlinks) outside the folder is refused.
import { createReadStream, promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export interface ArchiveLimits {
  /** Most entries a zip may list (real archives with media hold tens of thousands). */
  maxEntries: number;
  /** Largest uncompressed size of one data file we read. */
  maxEntryBytes: number;
  /** Largest total uncompressed size of the data files we read. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio for an entry over 1 MiB. */
  maxRatio: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxEntries: 500_000,
  maxEntryBytes: 8 * 1024 ** 3,
  maxTotalBytes: 32 * 1024 ** 3,
  maxRatio: 250,
};

export interface ArchiveEntry {
  /** Path inside the archive relative to its root, always with `/`, e.g. `data/tweets.js`. */
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
}

export interface ArchiveProblem {
  file: string;
  reason: string;
}

export interface ArchiveSource {
  readonly kind: 'zip' | 'folder';
  readonly path: string;
  /** Entries under `data/`, keyed by name relative to the archive root. */
  readonly entries: ReadonlyMap<string, ArchiveEntry>;
  /** Entries refused while listing (unsafe names, limits). */
  readonly problems: readonly ArchiveProblem[];
  open(name: string): Promise<Readable>;
  /** Read a small entry whole (manifest.js, account.js), refusing anything over `maxBytes`. */
  readSmall(name: string, maxBytes: number): Promise<string>;
  close(): Promise<void>;
}

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

/** Why an entry name is unsafe, or undefined when it is fine. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.length === 0) return 'empty name';
  if (name.includes('\u0000')) return 'NUL in name';
  if (name.includes('\\')) return 'backslash in name';
  if (name.startsWith('/')) return 'absolute path';
  if (/^[a-zA-Z]:/.test(name)) return 'drive letter';
  if (name.split('/').some((seg) => seg === '..')) return 'path escapes the archive ("..")';
  return undefined;
}

function decodeName(raw: Buffer | string, utf8: boolean): string {
  if (typeof raw === 'string') return raw;
  // Non-UTF-8 names are CP437 in theory; every name we care about is ASCII, so latin1 is enough
  // to show the rest in a message.
  return raw.toString(utf8 ? 'utf8' : 'latin1');
}

/** Open a zip lazily: only the central directory is read until an entry is opened. */
export async function openZipArchive(path: string, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<ArchiveSource> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (err, z) => (err ? fail(new ArchiveError(`${path}: not a readable zip: ${err.message}`)) : ok(z!))),
  );
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new ArchiveError(`${path}: ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}; refusing (zip bomb?)`);
  }
  const problems: ArchiveProblem[] = [];
  const all: { name: string; entry: yauzl.Entry }[] = [];
  await new Promise<void>((ok, fail) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = decodeName(entry.fileName as unknown as Buffer, (entry.generalPurposeBitFlag & 0x800) !== 0);
      const bad = unsafeEntryName(name);
      if (bad) problems.push({ file: name, reason: `refused unsafe entry name: ${bad}` });
      else if (!name.endsWith('/')) all.push({ name, entry });
      zip.readEntry();
    });
    zip.once('end', () => ok());
    zip.once('error', (e: Error) => fail(new ArchiveError(`${path}: corrupt zip: ${e.message}`)));
    zip.readEntry();
  });

  // Archives are sometimes re-zipped with a top folder (`twitter-2024-…/data/…`): find the root.
  const manifest = all.map((e) => e.name).filter((n) => n === 'data/manifest.js' || n.endsWith('/data/manifest.js')).sort((a, b) => a.length - b.length)[0];
  let prefix = manifest ? manifest.slice(0, -'data/manifest.js'.length) : '';
  if (!manifest) {
    const anyData = all.map((e) => e.name).filter((n) => /(^|\/)data\/[^/]+\.js$/.test(n)).sort((a, b) => a.length - b.length)[0];
    prefix = anyData ? anyData.slice(0, anyData.lastIndexOf('data/')) : '';
  }
  const entries = new Map<string, ArchiveEntry>();
  const raw = new Map<string, yauzl.Entry>();
  for (const { name, entry } of all) {
    if (!name.startsWith(prefix)) continue;
    const rel = name.slice(prefix.length);
    if (!rel.startsWith('data/') || rel.slice(5).includes('/')) continue; // media folders are not read
    entries.set(rel, { name: rel, size: entry.uncompressedSize });
    raw.set(rel, entry);
  }
  let totalRead = 0;

  const source: ArchiveSource = {
    kind: 'zip',
    path,
    entries,
    problems,
    async open(name) {
      const entry = raw.get(name);
      if (!entry) throw new ArchiveError(`${name}: no such entry`);
      const size = entry.uncompressedSize;
      if (size > limits.maxEntryBytes) throw new ArchiveError(`${name}: uncompressed size ${size} bytes is over the limit of ${limits.maxEntryBytes}; refusing (zip bomb?)`);
      if (size > 1024 * 1024 && entry.compressedSize > 0 && size / entry.compressedSize > limits.maxRatio)
        throw new ArchiveError(`${name}: compression ratio ${(size / entry.compressedSize).toFixed(0)}:1 is over the limit of ${limits.maxRatio}:1; refusing (zip bomb?)`);
      if (totalRead + size > limits.maxTotalBytes) throw new ArchiveError(`${name}: total uncompressed data would exceed the limit of ${limits.maxTotalBytes} bytes; refusing (zip bomb?)`);
      totalRead += size;
      return await new Promise<Readable>((ok, fail) => zip.openReadStream(entry, (err, s) => (err ? fail(new ArchiveError(`${name}: ${err.message}`)) : ok(s!))));
    },
    async readSmall(name, maxBytes) {
      const entry = raw.get(name);
      if (!entry) throw new ArchiveError(`${name}: no such entry`);
      if (entry.uncompressedSize > maxBytes) throw new ArchiveError(`${name}: ${entry.uncompressedSize} bytes, more than ${maxBytes} allowed for this file`);
      return await readAll(await source.open(name), name, maxBytes);
    },
    async close() {
      zip.close();
    },
  };
  return source;
}

/** Open an unpacked archive folder: `root` holds `data/`, or is `data/` itself. */
export async function openFolderArchive(path: string, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<ArchiveSource> {
  let root = resolve(path);
  if (basename(root) === 'data' && !(await exists(join(root, 'data')))) root = dirname(root);
  const realRoot = await fsp.realpath(root);
  const dataDir = join(root, 'data');
  const names = await fsp.readdir(dataDir).catch(() => {
    throw new ArchiveError(`${path}: no data/ folder; not an X archive`);
  });
  if (names.length > limits.maxEntries) throw new ArchiveError(`${dataDir}: ${names.length} files, more than the limit of ${limits.maxEntries}`);
  const entries = new Map<string, ArchiveEntry>();
  const problems: ArchiveProblem[] = [];
  for (const n of names) {
    if (!n.endsWith('.js')) continue;
    const full = join(dataDir, n);
    const real = await fsp.realpath(full).catch(() => undefined);
    if (!real) continue;
    if (!real.startsWith(realRoot + sep)) {
      problems.push({ file: `data/${n}`, reason: `refused: resolves outside the archive folder (${real})` });
      continue;
    }
    const st = await fsp.stat(real);
    if (!st.isFile()) continue;
    entries.set(`data/${n}`, { name: `data/${n}`, size: st.size });
  }
  const open = async (name: string): Promise<Readable> => {
    const e = entries.get(name);
    if (!e) throw new ArchiveError(`${name}: no such file`);
    if (e.size > limits.maxEntryBytes) throw new ArchiveError(`${name}: ${e.size} bytes is over the limit of ${limits.maxEntryBytes}`);
    return createReadStream(join(root, name), { highWaterMark: 256 * 1024 });
  };
  return {
    kind: 'folder',
    path: root,
    entries,
    problems,
    open,
    async readSmall(name, maxBytes) {
      const e = entries.get(name);
      if (!e) throw new ArchiveError(`${name}: no such file`);
      if (e.size > maxBytes) throw new ArchiveError(`${name}: ${e.size} bytes, more than ${maxBytes} allowed for this file`);
      return await readAll(await open(name), name, maxBytes);
    },
    async close() {},
  };
}

async function exists(p: string): Promise<boolean> {
  return fsp.stat(p).then(
    () => true,
    () => false,
  );
}

async function readAll(s: Readable, name: string, maxBytes: number): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of s) {
    n += (c as Buffer).length;
    if (n > maxBytes) {
      s.destroy();
      throw new ArchiveError(`${name}: more than ${maxBytes} bytes`);
    }
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Open PATH as a zip or a folder, by what it is. */
export async function openArchive(path: string, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<ArchiveSource> {
  const st = await fsp.stat(path);
  return st.isDirectory() ? openFolderArchive(path, limits) : openZipArchive(path, limits);
}

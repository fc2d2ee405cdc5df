// data/manifest.js (`window.__THAR_CONFIG = {...}`): who the archive belongs to and which files
// hold each data type. Read first; when it is missing or unreadable the data files are found by
// name instead (`tweets-part1.js` → type `tweets`), so a damaged archive still imports.
import { parseWrappedObject } from './ytd-stream.js';

export interface ManifestFile {
  fileName: string;
  globalName?: string;
  count?: number;
}

export interface Manifest {
  userInfo: { accountId?: string; userName?: string; displayName?: string };
  generationDate?: string;
  isPartialArchive?: boolean;
  /** Data type (camelCase, as the manifest names it) → its files, in part order. */
  dataTypes: Map<string, ManifestFile[]>;
  /** Whether the manifest was read (false: files were found by name). */
  fromManifest: boolean;
}

const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
export { MAX_MANIFEST_BYTES };

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function optStr(x: unknown): string | undefined {
  return typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined;
}

/** Parse manifest.js text. Throws with a reason when it is not a manifest. */
export function parseManifest(text: string): Manifest {
  const m = parseWrappedObject(text);
  if (!isObj(m)) throw new Error('manifest is not an object');
  const ui = isObj(m.userInfo) ? m.userInfo : {};
  const ai = isObj(m.archiveInfo) ? m.archiveInfo : {};
  const dataTypes = new Map<string, ManifestFile[]>();
  if (!isObj(m.dataTypes)) throw new Error('manifest has no dataTypes');
  for (const [type, v] of Object.entries(m.dataTypes)) {
    if (!isObj(v) || !Array.isArray(v.files)) continue;
    const files: ManifestFile[] = [];
    for (const f of v.files) {
      if (!isObj(f) || typeof f.fileName !== 'string') continue;
      const count = Number(f.count);
      files.push({ fileName: normaliseFileName(f.fileName), globalName: optStr(f.globalName), count: Number.isFinite(count) ? count : undefined });
    }
    if (files.length) dataTypes.set(type, files);
  }
  return {
    userInfo: { accountId: optStr(ui.accountId), userName: optStr(ui.userName), displayName: optStr(ui.displayName) },
    generationDate: optStr(ai.generationDate),
    isPartialArchive: typeof ai.isPartialArchive === 'boolean' ? ai.isPartialArchive : undefined,
    dataTypes,
    fromManifest: true,
  };
}

function normaliseFileName(f: string): string {
  const s = f.replace(/^\.?\//, '');
  return s.startsWith('data/') ? s : `data/${s}`;
}

/** `direct-messages-group-part2.js` → `directMessagesGroup` (the manifest's type names). */
export function typeFromFileName(name: string): string | undefined {
  const m = /^(?:.*\/)?([a-z0-9-]+?)(?:-part(\d+))?\.js$/.exec(name);
  if (!m) return undefined;
  return m[1]!.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function partOf(name: string): number {
  const m = /-part(\d+)\.js$/.exec(name);
  return m ? Number(m[1]) : 0;
}

/** A manifest built from file names alone, for archives whose manifest is missing or broken. */
export function manifestFromNames(names: Iterable<string>): Manifest {
  const dataTypes = new Map<string, ManifestFile[]>();
  for (const n of names) {
    if (n === 'data/manifest.js') continue;
    const t = typeFromFileName(n);
    if (!t) continue;
    const list = dataTypes.get(t) ?? [];
    list.push({ fileName: n });
    dataTypes.set(t, list);
  }
  for (const list of dataTypes.values()) list.sort((a, b) => partOf(a.fileName) - partOf(b.fileName));
  return { userInfo: {}, dataTypes, fromManifest: false };
}

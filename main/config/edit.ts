// Writing config.yml back from the Sources page. The user's file is edited as a YAML document
// (the yaml package's Document API): only the source's own mapping and the `workers:` list are
// touched, so every comment, anchor, blank line and quoting style elsewhere stays as written.
// The result is checked by the loader that reads config.yml (loadConfigText) before it replaces
// the file, atomically (main/util/atomic-write.ts: a temporary file in the same folder, then rename).

import { readFileSync } from 'node:fs';
import { Document, isMap, isScalar, isSeq, parseDocument, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { ConfigError } from './error.js';

/** A value from the form: a scalar, a list, a secret by its environment name, or "leave as is". */
export type SourceValue = string | number | boolean | string[] | { env: string } | { keep: true } | null;

export class ConfigEditError extends Error {
  override name = 'ConfigEditError';
  constructor(
    message: string,
    /** The form field the problem is about, when there is one (`key` for the source's name). */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Parse config text for editing; an empty file (or none) is an empty block mapping. */
export function configDocument(text: string, file: string): Document {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: false });
  const bad = doc.errors[0];
  if (bad) throw new ConfigEditError(`${file} is not valid YAML (${bad.message.split('\n')[0]}); fix it by hand first`);
  if (doc.contents === null || (isScalar(doc.contents) && (doc.contents.value === null || doc.contents.value === ''))) {
    doc.contents = new YAMLMap() as never;
  }
  if (!isMap(doc.contents)) throw new ConfigError({ file, line: 1, col: 1 }, 'the top level of a config file must be a mapping');
  // `{}` (an empty flow mapping) would keep every added source on one line.
  if (doc.contents.items.length === 0) doc.contents.flow = false;
  return doc;
}

function root(doc: Document): YAMLMap {
  return doc.contents as YAMLMap;
}

function keyOf(pair: Pair): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

function pairIndex(map: YAMLMap, key: string): number {
  return map.items.findIndex((p) => keyOf(p as Pair) === key);
}

/** The tag a top-level key carries (`skrode/feeds`), undefined for plain values or no key. */
export function tagAt(doc: Document, key: string): string | undefined {
  const node = root(doc).get(key, true) as Node | undefined;
  return node?.tag?.startsWith('!') && !node.tag.startsWith('!!') ? node.tag.slice(1) : undefined;
}

function valueNode(doc: Document, value: Exclude<SourceValue, null | { keep: true }>, old: unknown): Node {
  if (Array.isArray(value)) {
    const seq = new YAMLSeq();
    seq.flow = isSeq(old) ? Boolean(old.flow) : false;
    for (const item of value) seq.items.push(new Scalar(item));
    return seq;
  }
  if (typeof value === 'object') {
    const s = new Scalar(value.env);
    s.tag = '!skrode/env';
    return s;
  }
  // A plain scalar keeps its comment when only its value changes.
  if (isScalar(old) && !old.tag) {
    old.value = value;
    return old;
  }
  return doc.createNode(value) as Node;
}

export interface SourceEdit {
  key: string;
  tag: string;
  /** The form's fields; keys not named here (hand-written extras) are left as they are. */
  values: Readonly<Record<string, SourceValue>>;
  /** Whether the source runs as a worker (its key then belongs in `workers:`). */
  worker: boolean;
  /** true: a new key (an existing one is refused); false: the existing source is changed. */
  create: boolean;
}

export function upsertSource(doc: Document, edit: SourceEdit): void {
  const map = root(doc);
  const existing = map.get(edit.key, true) as Node | undefined;
  let node: YAMLMap;
  if (edit.create) {
    if (map.has(edit.key)) throw new ConfigEditError(`config.yml already has a key ${edit.key}; choose another name`, 'key');
    node = new YAMLMap();
    node.tag = `!${edit.tag}`;
    // New sources go before `workers:` (which reads best last), else at the end.
    const at = pairIndex(map, 'workers');
    const pair = new Pair(new Scalar(edit.key), node);
    if (at >= 0) map.items.splice(at, 0, pair);
    else map.items.push(pair);
  } else {
    if (!isMap(existing) || existing.tag !== `!${edit.tag}`) throw new ConfigEditError(`config.yml has no !${edit.tag} mapping under ${edit.key} (was it changed by hand?); reload the page`, 'key');
    node = existing;
  }
  for (const [name, value] of Object.entries(edit.values)) {
    if (value !== null && typeof value === 'object' && 'keep' in value) continue;
    const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty) {
      node.delete(name);
      continue;
    }
    const old = node.get(name, true);
    const next = valueNode(doc, value, old);
    if (next !== old) node.set(new Scalar(name), next);
  }
  if (edit.worker) addWorker(doc, edit.key);
}

function addWorker(doc: Document, key: string): void {
  const map = root(doc);
  const workers = map.get('workers', true);
  if (workers === undefined || (isScalar(workers) && workers.value === null)) {
    const seq = new YAMLSeq();
    seq.items.push(new Scalar(key));
    map.set(new Scalar('workers'), seq);
    return;
  }
  if (!isSeq(workers)) throw new ConfigEditError('workers: in config.yml is not a list; fix it by hand first');
  if (!workers.items.some((i) => isScalar(i) && i.value === key)) workers.items.push(new Scalar(key));
}

/** Remove a source and its entries in `workers:` (an emptied list goes too). */
export function removeSource(doc: Document, key: string, tag: string): void {
  const map = root(doc);
  if (tagAt(doc, key) !== tag) throw new ConfigEditError(`config.yml has no !${tag} under ${key}; reload the page`, 'key');
  map.delete(key);
  const workers = map.get('workers', true);
  if (isSeq(workers)) {
    workers.items = workers.items.filter((i) => !(isScalar(i) && i.value === key));
    if (workers.items.length === 0) map.delete('workers');
  }
}

/**
 * The edited document as text. Long lines are never folded (the user's own strings stay on their
 * lines), and flow collections keep the spacing the file already uses: `{a: 1}` stays so unless
 * the file writes `{ a: 1 }`.
 */
export function configText(doc: Document, original: string): string {
  const code = original.replace(/(^|\s)#.*$/gm, '');
  const padded = /[[{] +[^\s\]}]/.test(code);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: padded });
}

/** The file's text, or '' when it does not exist yet. */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new ConfigEditError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

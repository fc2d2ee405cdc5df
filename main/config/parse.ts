// YAML text → plain objects and lists, with a Lazy for every `!skrode/...` tagged value and the
// line of every key remembered for error messages. We walk the yaml package's document tree
// ourselves rather than using its customTags, so that unknown tags are errors (the library only
// warns), aliases to tagged values share one Lazy, and nothing is built while parsing.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError, formatKeyPath, type KeyPath, type SourcePos } from './error.js';
import { setOwn } from './fields.js';
import { Lazy, type ConfigSource, type NodeInfo } from './lazy.js';
import { getTag, knownTags, type TagKind } from './registry.js';

export interface ParsedConfig {
  root: Record<string, unknown>;
  /** Every tagged value, in document order. */
  lazies: Lazy[];
}

export function parseConfigText(text: string, source: ConfigSource): ParsedConfig {
  const lines = new LineCounter();
  const at = (offset: number | undefined): SourcePos => {
    if (offset === undefined) return { file: source.file, line: 0, col: 0 };
    const { line, col } = lines.linePos(offset);
    return { file: source.file, line, col };
  };
  checkNesting(text, source.file);
  const doc = parseDocument(text, { lineCounter: lines, merge: true, uniqueKeys: true, prettyErrors: false });

  const syntax = doc.errors[0];
  if (syntax) throw new ConfigError(at(syntax.pos[0]), `YAML syntax error: ${firstLine(syntax.message)}`);
  for (const w of doc.warnings) {
    // Local tags (`!skrode/...`) are judged by the walk below; an unknown standard tag is an error.
    const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1];
    if (w.code === 'TAG_RESOLVE_FAILED' && !(tag && tag.startsWith('!') && !tag.startsWith('!!'))) {
      throw new ConfigError(at(w.pos[0]), `unknown tag ${tag ?? ''}`.trim());
    }
  }

  const walker = new Walker(doc, source, at);
  if (doc.contents === null) return { root: {}, lazies: [] };
  if (!isMap(doc.contents) || doc.contents.tag) {
    throw new ConfigError(at(doc.contents.range?.[0]), 'the top level of a config file must be a mapping of names to values (e.g. `store: !skrode/sqlite {}`)');
  }
  const root = walker.convert(doc.contents, [], at(doc.contents.range?.[0])) as Record<string, unknown>;
  return { root, lazies: walker.lazies };
}

/** Deeper than any hand-written config; a hostile file this deep would overflow the parser's stack. */
export const MAX_NESTING = 64;

/**
 * Refuse absurdly deep nesting before the YAML parser recurses into it (the yaml package turns a
 * stack overflow into an error, but repeated overflows can take the whole process down). A rough
 * scan: flow brackets outside quotes and comments, plus block indentation levels.
 */
function checkNesting(text: string, file: string): void {
  const indents: number[] = [];
  // Flow collections may span lines, so their depth carries over.
  let flow = 0;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const indent = /^[ \t]*(?:- +)*/.exec(line)![0].length;
    const content = line.slice(indent);
    if (content !== '' && !content.startsWith('#')) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
    }
    const dashes = (line.slice(0, indent).match(/-/g) ?? []).length;
    const block = indents.length + dashes;
    if (block > MAX_NESTING) throw new ConfigError({ file, line: n + 1, col: indent + 1 }, `nested more than ${MAX_NESTING} levels deep`);
    let quote = '';
    for (let i = indent; i < line.length; i++) {
      const ch = line[i]!;
      if (quote) {
        if (ch === quote) quote = '';
        else if (ch === '\\' && quote === '"') i++;
        continue;
      }
      if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) break;
      if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '[' || ch === '{') {
        if (block + ++flow > MAX_NESTING) throw new ConfigError({ file, line: n + 1, col: i + 1 }, `nested more than ${MAX_NESTING} levels deep`);
      } else if (ch === ']' || ch === '}') flow = Math.max(0, flow - 1);
    }
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

class Walker {
  readonly lazies: Lazy[] = [];
  readonly #memo = new Map<Node, unknown>();
  readonly #inProgress = new Set<Node>();

  constructor(
    private readonly doc: Document,
    private readonly source: ConfigSource,
    private readonly at: (offset: number | undefined) => SourcePos,
  ) {}

  convert(node: unknown, path: KeyPath, pos: SourcePos): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) throw new ConfigError(pos, `unknown alias *${node.source} (define &${node.source} before using it)`, formatKeyPath(path));
      if (this.#inProgress.has(target)) throw new ConfigError(pos, `alias *${node.source} refers to a value that contains it`, formatKeyPath(path));
      if (this.#memo.has(target)) return this.#memo.get(target);
      return this.convert(target, path, pos);
    }
    const n = node as Node;
    const tag = n.tag;
    if (tag && tag.startsWith('!') && !tag.startsWith('!!')) return this.#tagged(n, tag.slice(1), path, pos);
    return this.#plain(n, path, pos);
  }

  #tagged(node: Node, tag: string, path: KeyPath, pos: SourcePos): Lazy {
    const key = formatKeyPath(path);
    const def = getTag(tag);
    if (!def) {
      const known = knownTags().map((t) => `!${t}`).join(', ');
      throw new ConfigError(pos, `unknown tag !${tag}${tag.startsWith('skrode/') ? ` (known tags: ${known})` : ''}`, key);
    }
    const kind: TagKind = isMap(node) ? 'map' : isSeq(node) ? 'seq' : 'scalar';
    // `key: !skrode/sqlite` with nothing after the tag: an empty mapping, not an empty string.
    const empty = isScalar(node) && (node.value === null || (node.value === '' && node.type === 'PLAIN'));
    if (!def.kinds.includes(kind) && !(empty && def.kinds.includes('map'))) {
      const wants = def.kinds.map((k) => (k === 'map' ? 'a mapping' : k === 'seq' ? 'a list' : 'a single value')).join(' or ');
      throw new ConfigError(pos, `!${tag} takes ${wants}${def.summary ? ` (${def.summary})` : ''}, not ${kind === 'map' ? 'a mapping' : kind === 'seq' ? 'a list' : 'a single value'}`, key);
    }
    let raw: unknown = null;
    this.#inProgress.add(node);
    try {
      if (isScalar(node)) raw = empty ? null : String(node.source ?? node.value);
      else raw = this.#plain(node, path, pos);
    } finally {
      this.#inProgress.delete(node);
    }
    const lazy = new Lazy(def, raw, pos, path, this.source);
    this.#memo.set(node, lazy);
    this.lazies.push(lazy);
    return lazy;
  }

  #plain(node: Node, path: KeyPath, pos: SourcePos): unknown {
    if (isScalar(node)) return node.value;
    if (this.#memo.has(node)) return this.#memo.get(node);
    this.#inProgress.add(node);
    try {
      if (isMap(node)) return this.#map(node, path, pos);
      if (isSeq(node)) {
        const out: unknown[] = [];
        const info: NodeInfo = { pos, path, keys: new Map(), items: [] };
        this.source.positions.set(out, info);
        node.items.forEach((item, i) => {
          const itemPos = this.at((item as Node | null)?.range?.[0]) ;
          const p = itemPos.line > 0 ? itemPos : pos;
          info.items.push(p);
          out.push(this.convert(item, [...path, i], p));
        });
        this.#memo.set(node, out);
        return out;
      }
    } finally {
      this.#inProgress.delete(node);
    }
    throw new ConfigError(pos, 'unsupported YAML node', formatKeyPath(path));
  }

  #map(node: Extract<Node, { items: unknown[] }> & { items: { key: unknown; value: unknown }[] }, path: KeyPath, pos: SourcePos): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const info: NodeInfo = { pos, path, keys: new Map(), items: [] };
    this.source.positions.set(out, info);
    const merges: { value: unknown; pos: SourcePos }[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const keyPos = this.at(keyNode?.range?.[0] ?? (pair.value as Node | null)?.range?.[0]);
      const where = keyPos.line > 0 ? keyPos : pos;
      if (isScalar(keyNode) && (typeof keyNode.value === 'symbol' || (keyNode.value === '<<' && keyNode.type === 'PLAIN'))) {
        merges.push({ value: pair.value, pos: where });
        continue;
      }
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        throw new ConfigError(where, 'keys must be plain names, not lists, mappings or nothing', formatKeyPath(path));
      }
      const key = String(keyNode.value);
      info.keys.set(key, where);
      setOwn(out, key, this.convert(pair.value, [...path, key], where));
    }
    // `<<: *base` (YAML merge keys, as PyYAML had them): keys written here win over merged ones.
    for (const merge of merges) {
      const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
      for (const src of sources) {
        const value = this.convert(src, path, merge.pos);
        if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Lazy) {
          throw new ConfigError(merge.pos, '<< merges a plain mapping (or a list of them) into this one', formatKeyPath(path));
        }
        const srcInfo = this.source.positions.get(value);
        for (const [k, v] of Object.entries(value)) {
          if (Object.hasOwn(out, k)) continue;
          setOwn(out, k, v);
          info.keys.set(k, srcInfo?.keys.get(k) ?? merge.pos);
        }
      }
    }
    this.#memo.set(node, out);
    return out;
  }
}

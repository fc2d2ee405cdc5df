// A bad config is rejected with the file, line, column and reason, in the `file:line:col: reason`
// form editors and terminals turn into links.

export interface SourcePos {
  file: string;
  /** 1-based; 0 when the problem is the file as a whole (e.g. it does not exist). */
  line: number;
  /** 1-based; 0 when unknown. */
  col: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The reason alone, without the position. */
  readonly reason: string;
  /** The dotted key path the problem is about (`sql.password`), when there is one. */
  readonly keyPath: string | undefined;

  constructor(pos: SourcePos, reason: string, keyPath?: string, options?: { cause?: unknown }) {
    super(`${formatPos(pos)}: ${keyPath ? `${keyPath}: ` : ''}${reason}`, options);
    this.file = pos.file;
    this.line = pos.line;
    this.col = pos.col;
    this.reason = reason;
    this.keyPath = keyPath || undefined;
  }
}

export function formatPos(pos: SourcePos): string {
  if (pos.line <= 0) return pos.file;
  return pos.col > 0 ? `${pos.file}:${pos.line}:${pos.col}` : `${pos.file}:${pos.line}`;
}

export type KeyPath = readonly (string | number)[];

/** `sql.password`, `workers[2]`, `a["odd key"]`. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

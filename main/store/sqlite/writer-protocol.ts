// The one message envelope between the SQLite writer thread and its callers (STYLE.md §10.3).

export interface WriterRequest {
  seq: number;
  method: string;
  args: unknown[];
}

export interface WriterErrorPayload {
  name: string;
  message: string;
  /** StoreError kind, when the error was a StoreError. */
  kind?: string;
}

export type WriterResponse = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: WriterErrorPayload };

/** Calls slower than this are logged with their method name when SKRODE_DEBUG_SQL is set. */
export const SLOW_CALL_MS = 40;

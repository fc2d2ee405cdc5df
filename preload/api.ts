// The renderer's SkrodeApi over Electron IPC, built from an `invoke` function so it can be tested
// without Electron: one named function per method of the contract (API_METHODS), each invoking
// that method's channel and unwrapping the {ok, value} envelope. The object is frozen and holds
// nothing else: no ipcRenderer, no generic "send any channel" function.

import { API_METHODS, channelOf, type ApiErrorDto, type ApiMethod, type ApiResult, type SkrodeApi } from '../shared/api.js';

export type Invoke = (channel: string, ...args: unknown[]) => Promise<unknown>;

/** An API call that failed; `kind` says how (its message is the main process's). */
export class SkrodeApiError extends Error {
  override name = 'SkrodeApiError';
  readonly kind: ApiErrorDto['kind'];
  constructor(error: ApiErrorDto) {
    super(error.message);
    this.kind = error.kind;
  }
}

function unwrap(method: ApiMethod, result: unknown): unknown {
  const r = result as ApiResult<unknown> | null;
  if (r && typeof r === 'object' && r.ok === true) return r.value;
  if (r && typeof r === 'object' && r.ok === false && r.error && typeof r.error.message === 'string') throw new SkrodeApiError(r.error);
  throw new SkrodeApiError({ kind: 'internal', message: `${method}: unexpected answer from the main process` });
}

export function ipcApi(invoke: Invoke): SkrodeApi {
  const api: Partial<Record<ApiMethod, (args?: unknown) => Promise<unknown>>> = {};
  for (const method of API_METHODS) {
    const channel = channelOf(method);
    // Exactly one argument crosses, or none: the main process refuses anything more.
    api[method] = async (args?: unknown) => unwrap(method, await (args === undefined ? invoke(channel) : invoke(channel, args)));
  }
  return Object.freeze(api) as unknown as SkrodeApi;
}

// Calling the API by method name with untrusted arguments: the one path both transports (the
// Electron IPC helper and `skrode serve`) take. Arguments are validated against the shared
// schemas; the answer is the Signal-style envelope, never a thrown error.

import { isApiMethod, type ApiMethod, type ApiResult, type SkrodeApi } from '../../shared/api.js';
import { parseApiArgs } from '../../shared/api-schemas.js';
import { ApiError, toApiError } from './errors.js';

export async function dispatch(api: SkrodeApi, method: unknown, rawArgs: unknown): Promise<ApiResult<unknown>> {
  try {
    if (!isApiMethod(method)) throw new ApiError(`no API method ${JSON.stringify(String(method)).slice(0, 80)}`, 'not-found');
    const args = parseApiArgs(method, rawArgs);
    const fn = api[method] as (a: unknown) => Promise<unknown>;
    const value = await fn.call(api, args);
    return { ok: true, value: value === undefined ? null : value };
  } catch (e) {
    return { ok: false, error: toApiError(e) };
  }
}

export type { ApiMethod };

// The SkrodeApi over HTTP, for the renderer served by `skrode serve`: each method is a JSON POST
// to /api/<method> on the same origin (the token travels in the HttpOnly cookie the server set).
import { API_METHODS, type ApiErrorDto, type ApiMethod, type ApiResult, type SkrodeApi } from '../../../shared/api.js';

/** An API call that failed: the error the main process or server reported. */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
  readonly kind: ApiErrorDto['kind'];
  constructor(error: ApiErrorDto) {
    super(error.message);
    this.kind = error.kind;
  }
}

export function httpApi(fetchFn: typeof fetch = (...a) => fetch(...a)): SkrodeApi {
  const call = async (method: ApiMethod, args: unknown): Promise<unknown> => {
    const res = await fetchFn(`./api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: args === undefined ? '' : JSON.stringify(args),
      credentials: 'same-origin',
    });
    let body: ApiResult<unknown>;
    try {
      body = (await res.json()) as ApiResult<unknown>;
    } catch {
      throw new ApiCallError({ kind: 'internal', message: `the server answered HTTP ${res.status}` });
    }
    if (!body.ok) throw new ApiCallError(body.error);
    return body.value;
  };
  const api: Partial<Record<ApiMethod, (args?: unknown) => Promise<unknown>>> = {};
  for (const m of API_METHODS) api[m] = (args?: unknown) => call(m, args);
  return Object.freeze(api) as unknown as SkrodeApi;
}

// Errors as they leave the API: plain data with a kind (shared/api.ts ApiErrorDto). Messages of
// errors we raise on purpose (bad arguments, not found) are shown as they are; anything else is
// an internal error whose message is kept short and carries no stack.

import type { ApiErrorDto } from '../../shared/api.js';
import { ApiArgsError } from '../../shared/api-schemas.js';
import { StoreError } from '../store/port.js';

/** An error the API raises for the caller to see. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly kind: ApiErrorDto['kind'] = 'invalid',
  ) {
    super(message);
  }
}

export function toApiError(e: unknown): ApiErrorDto {
  if (e instanceof ApiError) return { kind: e.kind, message: e.message };
  if (e instanceof ApiArgsError) return { kind: 'invalid', message: e.message };
  if (e instanceof StoreError) {
    const kind = e.kind === 'not-found' ? 'not-found' : e.kind === 'conflict' ? 'conflict' : e.kind === 'invalid' ? 'invalid' : 'internal';
    return { kind, message: e.message };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'internal', message: message.split('\n')[0]!.slice(0, 500) };
}

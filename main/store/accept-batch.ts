// The first step of every adapter's apply(): validate the whole batch on the caller's side and
// turn a validation failure into the one StoreError the contract promises (kind 'invalid',
// nothing applied), so both adapters reject bad input with the same words. `serialised` receives
// the JSON text validation made of raw and profile values (see validateBatch).
import type { Observation } from '../model/observations.js';
import { validateBatch, ValidationError } from '../model/validate.js';
import { StoreError } from './port.js';

export function acceptBatch(batch: readonly Observation[], serialised?: Map<unknown, string>): Observation[] {
  try {
    return validateBatch(batch, serialised);
  } catch (e) {
    if (e instanceof ValidationError) throw new StoreError(`batch rejected, nothing applied: ${e.message}`, 'invalid');
    throw e;
  }
}

// The first step of every adapter's apply(): validate the whole batch on the caller's side and
// turn a validation failure into the one StoreError the contract promises (kind 'invalid',
// nothing applied), so both adapters reject bad input with the same words.
import type { Observation } from '../model/observations.js';
import { validateBatch, ValidationError } from '../model/validate.js';
import { StoreError } from './port.js';

export function acceptBatch(batch: readonly Observation[]): Observation[] {
  try {
    return validateBatch(batch);
  } catch (e) {
    if (e instanceof ValidationError) throw new StoreError(`batch rejected, nothing applied: ${e.message}`, 'invalid');
    throw e;
  }
}

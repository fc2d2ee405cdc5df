// Suggestion sightings on their way to the store: held in small batches, never all in memory,
// so an mbox naming a million addresses under a `suggest` header holds one batch of them.
import type { Store, SuggestionSighting } from '../../store/port.js';

export const SUGGESTION_BATCH = 500;

export class SuggestionBuffer {
  private pending: SuggestionSighting[] = [];
  total = 0;

  constructor(
    private readonly store: Pick<Store, 'recordSuggestions'>,
    private readonly batchSize = SUGGESTION_BATCH,
  ) {}

  async add(s: SuggestionSighting): Promise<void> {
    this.pending.push(s);
    this.total++;
    if (this.pending.length >= this.batchSize) await this.flush();
  }

  /** Store everything added so far. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    await this.store.recordSuggestions(batch);
  }
}

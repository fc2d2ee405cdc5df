// The popup's state. Lookups run on every keystroke (no debounce), but at most one is in flight:
// a keystroke while one runs only replaces the next query, so a fast typist never queues stale
// work, and an answer for anything but the latest query is dropped unseen.
import { create } from 'zustand';
import type { LookupHit } from '../../../shared/people.js';
import { api, errorMessage } from '../api/index.js';

export const POPUP_LIMIT = 8;

interface LookupState {
  query: string;
  /** The query the shown hits answer. */
  shownQuery: string;
  hits: LookupHit[];
  selected: number;
  busy: boolean;
  error: string | null;
  /** The person opened from the list (id), or null for the list. */
  openId: string | null;
  setQuery(q: string): void;
  move(delta: number): void;
  select(i: number): void;
  open(id: string | null): void;
}

let inFlight = false;
let next: string | null = null;

export const useLookup = create<LookupState>((set, get) => {
  const run = async (q: string): Promise<void> => {
    inFlight = true;
    set({ busy: true });
    try {
      const hits = q.trim() === '' ? [] : await api().lookup({ query: q, limit: POPUP_LIMIT });
      // Only the latest query's answer is shown.
      if (get().query === q) set({ hits, shownQuery: q, selected: 0, error: null });
    } catch (e) {
      if (get().query === q) set({ error: errorMessage(e), hits: [], shownQuery: q });
    } finally {
      inFlight = false;
      const n = next;
      next = null;
      if (n !== null && n !== get().shownQuery) void run(n);
      else set({ busy: false });
    }
  };
  return {
    query: '',
    shownQuery: '',
    hits: [],
    selected: 0,
    busy: false,
    error: null,
    openId: null,
    setQuery(q) {
      set({ query: q, openId: null });
      if (inFlight) next = q;
      else void run(q);
    },
    move(delta) {
      const { hits, selected } = get();
      if (hits.length === 0) return;
      set({ selected: (selected + delta + hits.length) % hits.length });
    },
    select(i) {
      set({ selected: i });
    },
    open(id) {
      set({ openId: id });
    },
  };
});

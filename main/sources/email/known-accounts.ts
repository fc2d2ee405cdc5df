// What the store already knows about an email account, asked once per address and cached, so
// the capture policies (update-only headers, a new name kept as an alias, redundant addresses)
// can see people captured by earlier imports without a query per message.
import type { Store } from '../../store/port.js';

export interface KnownAccount {
  known: boolean;
  /** Display names and aliases already recorded, with their kind. */
  names: { name: string; kind: 'display' | 'alias' }[];
}

export interface KnownAccounts {
  lookup(externalId: string): Promise<KnownAccount>;
}

/** Nothing known beforehand: only what this import itself captures counts. */
export const NOTHING_KNOWN: KnownAccounts = {
  lookup: async () => ({ known: false, names: [] }),
};

export class StoreKnownAccounts implements KnownAccounts {
  private readonly cache = new Map<string, KnownAccount>();

  constructor(
    private readonly store: Pick<Store, 'person'>,
    private readonly maxCache = 200_000,
  ) {}

  async lookup(externalId: string): Promise<KnownAccount> {
    const hit = this.cache.get(externalId);
    if (hit) return hit;
    const person = await this.store.person(externalId);
    let result: KnownAccount = { known: false, names: [] };
    if (person) {
      const personas = person.kind === 'human' ? person.human.personas : [person.persona];
      for (const p of personas) {
        const acc = p.accounts.find((a) => a.externalId === externalId);
        if (acc) result = {
            known: true,
            names: acc.names.filter((n) => n.kind === 'display' || n.kind === 'alias').map((n) => ({ name: n.name, kind: n.kind as 'display' | 'alias' })),
          };
      }
      if (!result.known) result = { known: true, names: [] };
    }
    if (this.cache.size >= this.maxCache) this.cache.clear();
    this.cache.set(externalId, result);
    return result;
  }
}

// What the store already knows about an email account, so the capture policies (update-only
// headers, a new name kept as an alias, redundant addresses) can see people captured by earlier
// imports. Not cached here: EmailCapture keeps a bounded cache of the answers together with what
// the import itself captured, and a second cache here could answer "unknown" for an address the
// import has since stored.
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
  constructor(private readonly store: Pick<Store, 'person'>) {}

  async lookup(externalId: string): Promise<KnownAccount> {
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
    return result;
  }
}

// Accepting and dismissing a suggestion (shared/suggestions.ts), for the CLI and the SkrodeApi.
// Accepting goes through the normal observation path: the address becomes an `email+addr:`
// account with its names, exactly as if a `create` header had captured it.
import type { AccountSeen } from '../../model/observations.js';
import { StoreError, type Store } from '../../store/port.js';
import { suggestionAccountId } from '../../store/suggestions.js';
import type { SuggestionDto } from '../../../shared/suggestions.js';

/** The address as suggestions store it: trimmed, lower-case, `email+addr:` prefix dropped. */
export function suggestionAddress(input: string): string {
  return String(input).trim().replace(/^email\+addr:/i, '').toLowerCase();
}

async function find(store: Pick<Store, 'suggestions'>, input: string): Promise<SuggestionDto> {
  const address = suggestionAddress(input);
  const s = (await store.suggestions({ address }))[0];
  if (!s) throw new StoreError(`no suggestion for ${address} (see \`skrode suggestions list\`)`, 'not-found');
  return s;
}

/** The account a suggestion becomes: its first name as the display name, the others as aliases. */
export function suggestionAccount(s: SuggestionDto): AccountSeen {
  const account: AccountSeen = {
    type: 'account',
    externalId: suggestionAccountId(s.address),
    names: [{ name: s.address, kind: 'email' }, ...s.names.map((name, i) => ({ name, kind: i === 0 ? ('display' as const) : ('alias' as const) }))],
    provenance: { source: 'suggestion', record: `${s.source}: accepted ${s.address}` },
  };
  if (s.lastSeen) account.seenAt = s.lastSeen;
  return account;
}

export async function acceptSuggestion(store: Pick<Store, 'suggestions' | 'apply' | 'setSuggestionState'>, input: string): Promise<SuggestionDto> {
  const s = await find(store, input);
  if (s.state === 'dismissed') throw new StoreError(`${s.address} was dismissed; it is not suggested any more`, 'conflict');
  const account = suggestionAccount(s);
  await store.apply(s.firstSeen && s.firstSeen !== s.lastSeen ? [{ ...account, seenAt: s.firstSeen }, account] : [account]);
  await store.setSuggestionState(s.address, 'accepted');
  return { ...s, state: 'accepted' };
}

export async function dismissSuggestion(store: Pick<Store, 'suggestions' | 'setSuggestionState'>, input: string): Promise<SuggestionDto> {
  const s = await find(store, input);
  if (s.state === 'accepted') throw new StoreError(`${s.address} was accepted already; it is an account now`, 'conflict');
  await store.setSuggestionState(s.address, 'dismissed');
  return { ...s, state: 'dismissed' };
}

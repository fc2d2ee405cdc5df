// The vCard export as the desktop app's person view and `skrode serve` call it: one person by id
// (human, persona or an account's external id, as Store.person accepts) → the card text and a
// file name to offer in a save dialog.
import type { PersonDto } from '../../../shared/people.js';
import { personToVCard, vdirFileName } from './person-card.js';
import type { VCardVersion } from './text.js';

export { personToVCard, vdirFileName, profileUrl } from './person-card.js';
export type { VCardVersion } from './text.js';

export interface PersonReader {
  person(id: string): Promise<PersonDto | null>;
}

export interface ExportedCard {
  fileName: string;
  mimeType: 'text/vcard';
  text: string;
}

/** The card for one person, or null when the id names nobody. */
export async function exportPersonVCard(people: PersonReader, id: string, version: VCardVersion = 4): Promise<ExportedCard | null> {
  const person = await people.person(id);
  if (!person) return null;
  return { fileName: vdirFileName(person), mimeType: 'text/vcard', text: personToVCard(person, { version }) };
}

// The profile an address-book pseudo account (`vcard+card:<UID>`, `bbdb+record:<uuid>`) carries:
// everything a contact card knows about a person that is not an account of its own. The vCard
// and BBDB importers write it, the vCard exporter reads it back. It is stored as the account's
// profile JSON (merged shallowly on re-import, so every key is written whole each time).

export interface StructuredName {
  family?: string[];
  given?: string[];
  additional?: string[];
  prefixes?: string[];
  suffixes?: string[];
}

export interface PostalAddress {
  /** home, work, other, or the source's own label. */
  label?: string;
  pobox?: string;
  extended?: string;
  /** Street lines. */
  street: string[];
  locality?: string;
  region?: string;
  postcode?: string;
  country?: string;
}

export interface LabelledUrl {
  url: string;
  label?: string;
}

export interface ContactProfile {
  /** Which address book the card came from. */
  addressBook: 'vcard' | 'bbdb';
  fn?: string;
  n?: StructuredName;
  nicknames?: string[];
  /** The preferred e-mail address (vCard PREF / TYPE=pref, BBDB's first mail), lower-cased. */
  primaryEmail?: string;
  /** Organisation names (BBDB keeps a list; vCard ORG is name then units). */
  org?: string[];
  title?: string;
  role?: string;
  addresses?: PostalAddress[];
  /** As written by the source: `1815-12-10`, `--1210`, `1815-12-10 birthday` ... */
  birthday?: string;
  anniversary?: string;
  /** URLs that are not accounts on a known service (home pages, blogs). */
  urls?: LabelledUrl[];
  /** Chat addresses on services Skrode does not model (sip:, skype: ...). */
  impp?: string[];
  categories?: string[];
  gender?: string;
  /** When the source says the record was created / last changed (ISO-8601). */
  created?: string;
  updated?: string;
  /** Any other field the source had (vCard X- properties, BBDB xfields), by lower-case name. */
  fields?: Record<string, unknown>;
}

/** Read a stored profile back as a ContactProfile, ignoring anything malformed. */
export function asContactProfile(profile: Record<string, unknown>): ContactProfile | undefined {
  const book = profile.addressBook;
  if (book !== 'vcard' && book !== 'bbdb') return undefined;
  return profile as unknown as ContactProfile;
}

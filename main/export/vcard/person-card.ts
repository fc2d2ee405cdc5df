// A person (a human with all its personas, or a persona without a human) → one vCard 3.0 or 4.0.
//
// The card is readable by any address book (FN, N, NICKNAME, EMAIL, TEL, IMPP, URL,
// X-SOCIAL-PROFILE, ORG, TITLE, ADR, BDAY, NOTE, UID, REV), and it carries what Skrode needs to
// read it back into the same accounts: when a property's value alone would not give back the
// account's external id (a numeric X id, an IRC network name), the property gets an
// `X-SKRODE-ID` parameter; accounts no standard property can hold go in `X-SKRODE-ACCOUNT`.
// UID is the person's id, so exporting again and re-importing updates rather than duplicates.

import type { AccountDto, NameDto, PersonDto, PersonaDto } from '../../../shared/people.js';
import { parseExternalId } from '../../model/external-id.js';
import { serviceInfo } from '../../model/services.js';
import { accountForEmail, accountForImpp, accountForPhone, accountForUrl } from '../../sources/vcard/accounts.js';
import { asContactProfile, type ContactProfile, type PostalAddress, type StructuredName } from '../../sources/vcard/contact-profile.js';
import { compoundValue, contentLine, escapeText, type Param, type VCardVersion } from './text.js';

export interface CardOptions {
  version: VCardVersion;
  productId?: string;
}

const ADDRESS_BOOKS = new Set(['vcard', 'bbdb']);

function personas(p: PersonDto): PersonaDto[] {
  return p.kind === 'human' ? p.human.personas : [p.persona];
}

function time(s: string | null): number {
  return s ? Date.parse(s) || 0 : 0;
}

/** Names of an account, most recently seen first. */
function recentNames(a: AccountDto, kinds?: readonly string[]): NameDto[] {
  return a.names.filter((n) => !kinds || kinds.includes(n.kind)).sort((x, y) => time(y.lastSeen) - time(x.lastSeen));
}

/** The contact profiles of the person's address-book accounts, most recent first, merged. */
function contactProfile(accounts: readonly AccountDto[]): ContactProfile | undefined {
  const profiles = accounts
    .filter((a) => ADDRESS_BOOKS.has(a.service))
    .sort((x, y) => time(y.lastSeen) - time(x.lastSeen))
    .map((a) => asContactProfile(a.profile))
    .filter((p): p is ContactProfile => !!p);
  if (profiles.length === 0) return undefined;
  const merged: ContactProfile = { ...profiles[0]! };
  const addresses: PostalAddress[] = [];
  const urls: NonNullable<ContactProfile['urls']> = [];
  const nicknames: string[] = [];
  const categories: string[] = [];
  for (const p of profiles) {
    for (const a of p.addresses ?? []) if (!addresses.some((b) => JSON.stringify(b) === JSON.stringify(a))) addresses.push(a);
    for (const u of p.urls ?? []) if (!urls.some((v) => v.url === u.url)) urls.push(u);
    for (const n of p.nicknames ?? []) if (!nicknames.includes(n)) nicknames.push(n);
    for (const c of p.categories ?? []) if (!categories.includes(c)) categories.push(c);
    for (const k of ['fn', 'n', 'org', 'title', 'role', 'birthday', 'anniversary', 'gender', 'primaryEmail'] as const) {
      if (merged[k] === undefined && p[k] !== undefined) (merged as unknown as Record<string, unknown>)[k] = p[k];
    }
  }
  merged.addresses = addresses;
  merged.urls = urls;
  merged.nicknames = nicknames;
  merged.categories = categories;
  return merged;
}

/** The best display name: the card's FN, else the most recent display name, else any name. */
function fullName(accounts: readonly AccountDto[], contact: ContactProfile | undefined, ps: PersonaDto[]): string {
  if (contact?.fn) return contact.fn;
  const display = accounts.flatMap((a) => recentNames(a, ['display'])).sort((x, y) => time(y.lastSeen) - time(x.lastSeen));
  if (display[0]) return display[0].name;
  const any = ps.flatMap((p) => p.names)[0];
  return any ?? 'Unknown';
}

function structuredName(fn: string, contact: ContactProfile | undefined): StructuredName {
  if (contact?.n) return contact.n;
  // A guess for a name no card gave structure to: the last word is the family name.
  const words = fn.trim().split(/\s+/);
  if (words.length < 2 || /[@:/]/.test(fn)) return { given: [fn] };
  return { family: [words.at(-1)!], given: [words.slice(0, -1).join(' ')] };
}

/** The account's handle as the person writes it (ids keep it lower-cased). */
function handleOf(a: AccountDto): string | undefined {
  const id = parseExternalId(a.externalId);
  const h = recentNames(a, ['handle'])[0]?.name.replace(/^@/, '');
  if (id.kind === 'handle') return h && h.toLowerCase() === id.local ? h : id.local;
  return h;
}

/** A profile URL for a social account, or undefined when none can be built. */
export function profileUrl(a: AccountDto): string | undefined {
  const id = parseExternalId(a.externalId);
  const handle = handleOf(a);
  const enc = encodeURIComponent;
  switch (id.service) {
    case 'twitter':
      if (id.kind === 'handle' || handle) return `https://x.com/${enc(handle ?? id.local)}`;
      return /^\d+$/.test(id.local) ? `https://x.com/i/user/${id.local}` : undefined;
    case 'mastodon': {
      const m = /^@?([^@]+)@(.+)$/.exec(id.local);
      return m ? `https://${m[2]}/@${enc(m[1]!)}` : undefined;
    }
    case 'github':
      return handle ? `https://github.com/${enc(handle)}` : undefined;
    case 'hackernews':
      return `https://news.ycombinator.com/user?id=${enc(id.local)}`;
    case 'lobsters':
      return `https://lobste.rs/~${enc(id.local)}`;
    case 'keybase':
      return `https://keybase.io/${enc(id.local)}`;
    case 'bluesky':
      return `https://bsky.app/profile/${enc(id.kind === 'user' ? id.local : (handle ?? id.local))}`;
    case 'reddit':
      return `https://www.reddit.com/user/${enc(id.local)}`;
    case 'linkedin':
      return id.kind === 'handle' ? `https://www.linkedin.com/in/${enc(id.local)}` : undefined;
    case 'facebook':
      if (id.kind === 'user' && /^\d+$/.test(id.local)) return `https://www.facebook.com/profile.php?id=${id.local}`;
      return handle ? `https://www.facebook.com/${enc(handle)}` : undefined;
    default:
      return undefined;
  }
}

function impp(a: AccountDto): string | undefined {
  const id = parseExternalId(a.externalId);
  switch (id.service) {
    case 'xmpp':
      return `xmpp:${id.local}`;
    case 'irc': {
      const slash = id.local.indexOf('/');
      if (slash <= 0) return undefined;
      const server = typeof a.profile.server === 'string' ? a.profile.server : id.local.slice(0, slash);
      return `irc://${server}/${encodeURIComponent(id.local.slice(slash + 1))},isuser`;
    }
    case 'matrix':
      return id.local.startsWith('@') ? `matrix:u/${id.local.slice(1)}` : undefined;
    default:
      return undefined;
  }
}

interface Prop {
  name: string;
  params: Param[];
  /** Already escaped / encoded. */
  value: string;
}

/** `X-SKRODE-ID` only when reading the property back would not give the same account. */
function idParam(a: AccountDto, readBack: string | undefined): Param[] {
  return readBack === a.externalId ? [] : [{ name: 'X-SKRODE-ID', values: [a.externalId] }];
}

function vdate(v: string, version: VCardVersion): { params: Param[]; value: string } {
  // vCard 4 BDAY/ANNIVERSARY default to date-and-or-time; anything else must say it is text.
  const isDate = /^(\d{4}-?\d{2}-?\d{2}|--\d{2}-?\d{2}|\d{4})(T[\d:]+Z?)?$/.test(v);
  const value = escapeText(v, { semicolons: false });
  if (isDate || version === 3) return { params: [], value };
  return { params: [{ name: 'VALUE', values: ['text'] }], value };
}

function compactTime(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The vCard for a person. `now` fixes REV when no account has been seen (tests). */
export function personToVCard(person: PersonDto, options: CardOptions, now = new Date()): string {
  const version = options.version;
  const ps = personas(person);
  const accounts = ps.flatMap((p) => p.accounts);
  const contact = contactProfile(accounts);
  const fn = fullName(accounts, contact, ps);
  const props: Prop[] = [];
  const add = (name: string, value: string, params: Param[] = []) => props.push({ name, params, value });
  // Semicolons in single text values stay bare in both versions: RFC 6350 forbids `\;` there,
  // and ical.js (Thunderbird's reader) keeps its backslash even in 3.0 cards.
  const txt = (v: string) => escapeText(v, { semicolons: false });

  if (version === 4) add('KIND', 'individual');
  add('FN', txt(fn));
  const n = structuredName(fn, contact);
  add('N', compoundValue([n.family ?? [], n.given ?? [], n.additional ?? [], n.prefixes ?? [], n.suffixes ?? []]));

  // Other names and handles: every distinct name that is not the FN, an address or a number.
  const nicknames: string[] = [];
  const seenNames = new Set([fn.toLowerCase()]);
  const addNick = (name: string) => {
    const k = name.trim().toLowerCase();
    if (!k || seenNames.has(k)) return;
    seenNames.add(k);
    nicknames.push(name.trim());
  };
  for (const nick of contact?.nicknames ?? []) addNick(nick);
  for (const a of accounts) for (const nm of recentNames(a)) if (!['email', 'phone'].includes(nm.kind)) addNick(nm.name);
  if (nicknames.length > 0) add('NICKNAME', nicknames.map(txt).join(','));

  const uid = person.id;
  const ownCard = `vcard+card:${uid}`;
  for (const a of accounts) {
    const info = serviceInfo(a.service);
    if (a.externalId === ownCard || a.service === 'namesvc') continue;
    if (a.service === 'email') {
      const addr = recentNames(a, ['email'])[0]?.name ?? parseExternalId(a.externalId).local;
      const pref = contact?.primaryEmail !== undefined && contact.primaryEmail === addr.toLowerCase();
      const params: Param[] = version === 3 ? [{ name: 'TYPE', values: pref ? ['INTERNET', 'pref'] : ['INTERNET'] }] : pref ? [{ name: 'PREF', values: ['1'] }] : [];
      add('EMAIL', txt(addr), [...params, ...idParam(a, accountForEmail(addr)?.externalId)]);
      continue;
    }
    if (a.service === 'tel') {
      const num = recentNames(a, ['phone'])[0]?.name ?? parseExternalId(a.externalId).local;
      add('TEL', txt(num), idParam(a, accountForPhone(num)?.externalId));
      continue;
    }
    const chat = info.kind === 'chat' ? impp(a) : undefined;
    if (chat) {
      add('IMPP', chat, idParam(a, accountForImpp(chat)?.externalId));
      continue;
    }
    const url = info.kind === 'social' ? profileUrl(a) : undefined;
    if (url) {
      const handle = handleOf(a);
      const readBack = accountForUrl(url, { type: a.service, ...(handle ? { user: handle } : {}) })?.externalId;
      const params: Param[] = [{ name: 'TYPE', values: [a.service] }];
      if (handle) params.push({ name: 'X-USER', values: [handle] });
      add('X-SOCIAL-PROFILE', url, [...params, ...idParam(a, readBack)]);
      add('URL', url, idParam(a, accountForUrl(url)?.externalId));
      continue;
    }
    // No standard property holds this account (another address book's record, a Slack user ...).
    add('X-SKRODE-ACCOUNT', txt(a.externalId));
  }

  if (contact?.org && contact.org.length > 0) add('ORG', compoundValue(contact.org));
  if (contact?.title) add('TITLE', txt(contact.title));
  if (contact?.role) add('ROLE', txt(contact.role));
  for (const adr of contact?.addresses ?? []) {
    const params: Param[] = adr.label ? [{ name: 'TYPE', values: [adr.label] }] : [];
    add('ADR', compoundValue([adr.pobox ?? '', adr.extended ?? '', adr.street, adr.locality ?? '', adr.region ?? '', adr.postcode ?? '', adr.country ?? '']), params);
  }
  for (const u of contact?.urls ?? []) {
    if (/[\s"<>]/.test(u.url)) continue; // not a URI a card can carry
    add('URL', u.url, u.label ? [{ name: 'TYPE', values: [u.label] }] : []);
  }
  for (const uri of contact?.impp ?? []) if (!/\s/.test(uri)) add('IMPP', uri);
  if (contact?.birthday) {
    const d = vdate(contact.birthday, version);
    add('BDAY', d.value, d.params);
  }
  if (contact?.anniversary) {
    const d = vdate(contact.anniversary, version);
    add(version === 4 ? 'ANNIVERSARY' : 'X-ANNIVERSARY', d.value, d.params);
  }
  if (contact?.gender) add(version === 4 ? 'GENDER' : 'X-GENDER', version === 4 ? compoundValue(['', contact.gender]) : txt(contact.gender));
  if (contact?.categories && contact.categories.length > 0) add('CATEGORIES', contact.categories.map(txt).join(','));
  const notes = person.notes.map((x) => x.text.trim()).filter(Boolean);
  if (notes.length > 0) add('NOTE', txt(notes.join('\n\n')));
  add('UID', version === 4 && /^[0-9a-f-]{36}$/i.test(uid) ? `urn:uuid:${uid}` : txt(uid));
  const latest = Math.max(0, ...accounts.map((a) => time(a.lastSeen)));
  add('REV', compactTime((latest > 0 ? new Date(latest) : now).toISOString()));

  let out = contentLine('BEGIN', [], 'VCARD', version) + contentLine('VERSION', [], version === 4 ? '4.0' : '3.0', version);
  out += contentLine('PRODID', [], options.productId ?? '-//Skrode//Skrode//EN', version);
  for (const p of props) out += contentLine(p.name, p.params, p.value, version);
  out += contentLine('END', [], 'VCARD', version);
  return out;
}

/** A safe file name for a person's card in a vdir: the UID, which is a UUID for Skrode people. */
export function vdirFileName(person: PersonDto): string {
  const safe = person.id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 200);
  return `${safe || 'card'}.vcf`;
}

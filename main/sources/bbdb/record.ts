// One BBDB record vector → a typed record → observations.
//
// Older formats are migrated step by step, as bbdb-migrate.el does, before interpretation:
//   format 6 (BBDB 2, 9 slots: first last aka company phones addresses net notes cache)
//     → 7: insert `affix` (nil) at slot 2, organization becomes a list, notes becomes an xfield alist
//     → 9: uuid, creation-date and timestamp move out of the xfields into slots 9–11
// Formats 3–5 differ only inside phone and address vectors, which the readers below accept in
// all their shapes (integer postcodes, streets as separate strings, no country).

import { createHash } from 'node:crypto';
import type { NameSeen, Observation, Provenance } from '../../model/observations.js';
import { externalId } from '../../model/external-id.js';
import { accountForEmail, accountForPhone, accountForUrl, type MappedAccount } from '../vcard/accounts.js';
import type { ContactProfile, PostalAddress } from '../vcard/contact-profile.js';
import { consPair, isSym, listItems, sexpToJson, type Sexp, type Vec } from './sexp.js';

export class BbdbRecordError extends Error {
  override name = 'BbdbRecordError';
}

export interface BbdbPhone {
  label: string;
  number: string;
}

export interface BbdbRecord {
  firstname?: string;
  lastname?: string;
  affix: string[];
  aka: string[];
  organization: string[];
  phones: BbdbPhone[];
  addresses: PostalAddress[];
  mails: string[];
  /** Xfields in file order, labels as symbol names. */
  xfields: [string, Sexp][];
  uuid?: string;
  creationDate?: string;
  timestamp?: string;
}

const sym = (name: string): Sexp => ({ kind: 'symbol', name });
const cons = (car: Sexp, cdr: Sexp): Sexp => ({ kind: 'list', items: [car], tail: cdr });

/** Format 6 → 7 (bbdb-migrate: affix slot, organization list, xfields alist). */
export function migrate6to7(slots: Sexp[]): Sexp[] {
  if (slots.length !== 9) throw new BbdbRecordError(`a format-6 record has 9 slots, this one has ${slots.length}`);
  const [first, last, aka, company, phones, addresses, net, notes, cache] = slots;
  const organization: Sexp = typeof company === 'string' && company !== '' ? { kind: 'list', items: [company] } : company === null || company === '' ? null : company!;
  let xfields: Sexp;
  if (notes === null || notes === undefined || notes === '') xfields = null;
  else if (typeof notes === 'string') xfields = { kind: 'list', items: [cons(sym('notes'), notes)] };
  else xfields = notes;
  return [first!, last!, null, aka!, organization, phones!, addresses!, net!, xfields, cache ?? null];
}

/** Format 7 (or a fork's 8) → 9: uuid, creation-date and timestamp move from xfields to slots. */
export function migrate7to9(slots: Sexp[]): Sexp[] {
  if (slots.length !== 10) throw new BbdbRecordError(`a format-7 record has 10 slots, this one has ${slots.length}`);
  const xf = alist(slots[8]!);
  const take = (label: string): Sexp => {
    const i = xf.findIndex(([k]) => k === label);
    if (i < 0) return null;
    const v = xf[i]![1];
    xf.splice(i, 1);
    return v;
  };
  const uuid = take('uuid');
  const created = take('creation-date');
  const timestamp = take('timestamp');
  const rest: Sexp = xf.length === 0 ? null : { kind: 'list', items: xf.map(([k, v]) => cons(sym(k), v)) };
  return [...slots.slice(0, 8), rest, uuid, created, timestamp, slots[9] ?? null];
}

/** Bring a record vector of any supported format to format 9 slots. */
export function toFormat9(record: Sexp): Sexp[] {
  if (typeof record !== 'object' || record === null || record.kind !== 'vector') throw new BbdbRecordError('a record must be a vector [...]');
  const slots = (record as Vec).items;
  switch (slots.length) {
    case 9:
      return migrate7to9(migrate6to7(slots));
    case 10:
      return migrate7to9(slots);
    case 12:
      return [...slots, null]; // a format-9 record written without its cache slot
    case 13:
      return slots;
    default:
      throw new BbdbRecordError(`a record has 9 (format 6), 10 (format 7) or 13 (format 9) slots; this one has ${slots.length}`);
  }
}

/** An alist `((label . value) ...)` as pairs; labels are symbol (or string) names. */
function alist(s: Sexp): [string, Sexp][] {
  const items = listItems(s);
  if (!items) throw new BbdbRecordError('xfields must be a list of (label . value) pairs');
  return items.map((item) => {
    const pair = consPair(item);
    if (!pair) throw new BbdbRecordError(`an xfield must be (label . value), got ${JSON.stringify(sexpToJson(item))}`);
    const [k, v] = pair;
    const label = isSym(k) ? k.name : typeof k === 'string' ? k : undefined;
    if (label === undefined) throw new BbdbRecordError(`an xfield label must be a symbol, got ${JSON.stringify(sexpToJson(k))}`);
    return [label, v];
  });
}

function str(s: Sexp | undefined, what: string): string | undefined {
  if (s === null || s === undefined) return undefined;
  if (typeof s === 'string') return s;
  throw new BbdbRecordError(`${what} must be a string or nil, got ${JSON.stringify(sexpToJson(s))}`);
}

function strings(s: Sexp | undefined, what: string): string[] {
  if (s === null || s === undefined) return [];
  if (typeof s === 'string') return s === '' ? [] : [s];
  const items = listItems(s);
  if (!items) throw new BbdbRecordError(`${what} must be a list of strings`);
  return items.map((x, i) => {
    if (typeof x !== 'string') throw new BbdbRecordError(`${what}[${i}] must be a string, got ${JSON.stringify(sexpToJson(x))}`);
    return x;
  });
}

/** A date as BBDB writes it (`2020-09-23 19:57:53 +0000`, `1997-09-25`, or pre-format-3 `25 Sep 97`). */
export function bbdbDate(s: Sexp | undefined): string | undefined {
  // Tolerate the (symbol . "string") conses bbdb.el's type-check describes.
  if (typeof s === 'object' && s !== null && s.kind === 'list') {
    const pair = consPair(s);
    s = pair ? pair[1] : undefined;
  }
  if (typeof s !== 'string') return undefined;
  const v = s.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\s*([+-]\d{2}):?(\d{2})|\s*(Z|UTC|GMT))?)?$/.exec(v);
  if (m) {
    const [, y, mo, d, h = '00', mi = '00', sec = '00', zh, zm] = m;
    const zone = zh ? `${zh}:${zm}` : 'Z';
    const t = new Date(`${y}-${mo}-${d}T${h}:${mi}:${sec}${zone}`);
    return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
  }
  m = /^(\d{1,2}) ([A-Za-z]{3}) (\d{2}|\d{4})$/.exec(v);
  if (m) {
    const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
    const mo = months.indexOf(m[2]!.toLowerCase());
    if (mo < 0) return undefined;
    let y = Number(m[3]);
    if (m[3]!.length === 2) y += y < 70 ? 2000 : 1900;
    const t = new Date(Date.UTC(y, mo, Number(m[1])));
    return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
  }
  return undefined;
}

function phone(s: Sexp, i: number): BbdbPhone {
  if (typeof s !== 'object' || s === null || s.kind !== 'vector' || s.items.length < 2) throw new BbdbRecordError(`phone ${i + 1} must be a vector [LABEL NUMBER...]`);
  const [label, ...rest] = s.items;
  const l = typeof label === 'string' ? label : label !== undefined && isSym(label) ? label.name : 'other';
  if (typeof rest[0] === 'string') return { label: l, number: rest[0] };
  // NANP style: [LABEL AREA EXCHANGE SUFFIX EXTENSION], integers; 0 means absent.
  const nums = rest.map((x) => (typeof x === 'number' ? x : NaN));
  if (nums.some(Number.isNaN) || nums.length < 3) throw new BbdbRecordError(`phone ${i + 1} must hold a string or integers [AREA EXCHANGE SUFFIX EXT]`);
  const [area = 0, exch = 0, suffix = 0, ext = 0] = nums;
  let n = `${String(exch).padStart(3, '0')}-${String(suffix).padStart(4, '0')}`;
  if (area) n = `(${String(area).padStart(3, '0')}) ${n}`;
  if (ext) n += ` x${ext}`;
  return { label: l, number: n };
}

function address(s: Sexp, i: number): PostalAddress {
  if (typeof s !== 'object' || s === null || s.kind !== 'vector' || s.items.length < 2) throw new BbdbRecordError(`address ${i + 1} must be a vector [LABEL STREETS CITY STATE POSTCODE COUNTRY]`);
  const it = s.items;
  const text = (x: Sexp | undefined): string | undefined => {
    if (x === null || x === undefined) return undefined;
    if (typeof x === 'number') return x === 0 ? undefined : String(x); // format ≤5 integer postcodes
    if (typeof x === 'string') return x.trim() || undefined;
    const items = listItems(x);
    if (items) return items.map((y) => (typeof y === 'string' || typeof y === 'number' ? String(y) : '')).join(' ').trim() || undefined;
    throw new BbdbRecordError(`address ${i + 1} has a field that is not text: ${JSON.stringify(sexpToJson(x))}`);
  };
  const label = typeof it[0] === 'string' ? it[0] : isSym(it[0]!) ? it[0].name : undefined;
  let street: string[];
  let rest: (Sexp | undefined)[];
  if (it[1] === null || (typeof it[1] === 'object' && it[1]?.kind === 'list')) {
    street = strings(it[1], `address ${i + 1} streets`); // format ≥5: a list of lines
    rest = it.slice(2);
  } else {
    street = it.slice(1, 4).map((x) => text(x)).filter((x): x is string => !!x); // format ≤4: three street strings
    rest = it.slice(4);
  }
  const a: PostalAddress = { street: street.map((x) => x.trim()).filter(Boolean) };
  if (label) a.label = label;
  const [city, state, postcode, country] = rest.map(text);
  if (city) a.locality = city;
  if (state) a.region = state;
  if (postcode) a.postcode = postcode;
  if (country) a.country = country;
  return a;
}

/** Interpret format-9 slots. */
export function parseRecord(record: Sexp): BbdbRecord {
  const s = toFormat9(record);
  const phones = listItems(s[5]!);
  if (!phones) throw new BbdbRecordError('phones must be a list of vectors');
  const addresses = listItems(s[6]!);
  if (!addresses) throw new BbdbRecordError('addresses must be a list of vectors');
  const r: BbdbRecord = {
    affix: strings(s[2], 'affix'),
    aka: strings(s[3], 'aka'),
    organization: strings(s[4], 'organization'),
    phones: phones.map(phone),
    addresses: addresses.map(address),
    mails: strings(s[7], 'mail'),
    xfields: alist(s[8]!),
  };
  const first = str(s[0], 'firstname');
  const last = str(s[1], 'lastname');
  if (first) r.firstname = first;
  if (last) r.lastname = last;
  const uuid = typeof s[9] === 'object' && s[9] !== null && s[9].kind === 'list' ? consPair(s[9])?.[1] : s[9];
  if (typeof uuid === 'string' && uuid.trim()) r.uuid = uuid.trim();
  const created = bbdbDate(s[10]);
  const timestamp = bbdbDate(s[11]);
  if (created) r.creationDate = created;
  if (timestamp) r.timestamp = timestamp;
  return r;
}

export interface RecordObservations {
  uuid: string;
  observations: Observation[];
  /** Things in the record that could not be used (a malformed address, an unknown phone). */
  problems: string[];
}

const UUID_OK = /^[^\u0000-\u001f]{1,200}$/;

/** A stable id for a record without a uuid (format 6/7 files): a hash of its names and mails. */
function derivedUuid(r: BbdbRecord): string {
  const h = createHash('sha256').update(JSON.stringify([r.firstname ?? '', r.lastname ?? '', r.organization, r.mails.map((m) => m.toLowerCase())]));
  return `sha256-${h.digest('hex').slice(0, 32)}`;
}

function xfieldText(v: Sexp): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return JSON.stringify(sexpToJson(v));
}

export function recordObservations(r: BbdbRecord, provenance: Provenance): RecordObservations {
  const problems: string[] = [];
  const uuid = r.uuid && UUID_OK.test(r.uuid) ? r.uuid : derivedUuid(r);
  const pseudo = externalId('bbdb', 'record', uuid);
  const profile: ContactProfile = { addressBook: 'bbdb' };
  const names: NameSeen[] = [];
  const fn = [r.firstname, r.lastname].filter(Boolean).join(' ').trim();
  if (fn) profile.fn = fn;
  const n: NonNullable<ContactProfile['n']> = {};
  if (r.firstname) n.given = [r.firstname];
  if (r.lastname) n.family = [r.lastname];
  if (r.affix.length > 0) n.suffixes = r.affix;
  if (Object.keys(n).length > 0) profile.n = n;
  if (r.organization.length > 0) profile.org = r.organization;
  if (r.addresses.length > 0) profile.addresses = r.addresses;
  if (r.aka.length > 0) profile.nicknames = r.aka;
  const primary = r.mails.find((m) => accountForEmail(m));
  if (primary) profile.primaryEmail = primary.trim().toLowerCase(); // BBDB: the first mail is primary
  if (r.creationDate) profile.created = r.creationDate;
  if (r.timestamp) profile.updated = r.timestamp;

  const accounts = new Map<string, MappedAccount>();
  const add = (m: MappedAccount) => {
    const known = accounts.get(m.externalId);
    if (!known) accounts.set(m.externalId, { externalId: m.externalId, names: [...m.names] });
    else for (const x of m.names) if (!known.names.some((k) => k.name === x.name && k.kind === x.kind)) known.names.push(x);
  };
  // Mails first: the first one is the primary address.
  for (const mail of r.mails) {
    const m = accountForEmail(mail);
    if (m) add(m);
    else problems.push(`mail ${JSON.stringify(mail)} is not an e-mail address; skipped`);
  }
  const freePhones: string[] = [];
  for (const p of r.phones) {
    const m = accountForPhone(p.number);
    if (m) add(m);
    else freePhones.push(`${p.label}: ${p.number}`);
  }
  const fields: Record<string, unknown> = {};
  if (freePhones.length > 0) fields.phones = freePhones;
  if (r.phones.length > 0) fields['phone-labels'] = r.phones.map((p) => `${p.label}: ${p.number}`);
  let note: string | undefined;
  for (const [label, value] of r.xfields) {
    switch (label) {
      case 'notes':
        note = xfieldText(value).trim() || undefined;
        break;
      case 'birthday':
        profile.birthday = xfieldText(value);
        break;
      case 'anniversary':
      case 'wedding':
        profile.anniversary ??= xfieldText(value);
        fields[label] = sexpToJson(value);
        break;
      case 'url':
      case 'www':
      case 'homepage':
        for (const url of xfieldText(value).split(/\s+/).filter(Boolean)) {
          const m = accountForUrl(url);
          if (m) add(m);
          else if (/^https?:\/\//i.test(url)) (profile.urls ??= []).push({ url });
          else problems.push(`${label} ${JSON.stringify(url)} is not a URL; kept as a field`);
          if (!m && !/^https?:\/\//i.test(url)) fields[label] = sexpToJson(value);
        }
        break;
      case 'mail-name':
        if (typeof value === 'string' && value.trim()) names.push({ name: value.trim(), kind: 'alias' });
        fields[label] = sexpToJson(value);
        break;
      default:
        fields[label] = sexpToJson(value);
    }
  }
  if (Object.keys(fields).length > 0) profile.fields = fields;

  if (!fn && r.organization[0]) profile.fn = r.organization[0];
  if (profile.fn) names.unshift({ name: profile.fn, kind: 'display' });
  for (const aka of r.aka) names.push({ name: aka, kind: 'alias' });
  if (!profile.fn && accounts.size === 0) {
    problems.push('the record has no name, organization, mail or phone; skipped');
    return { uuid, observations: [], problems };
  }
  const seen = r.timestamp ? { seenAt: r.timestamp } : {};
  const observations: Observation[] = [{ type: 'account', externalId: pseudo, names, profile: { ...profile }, ...seen, provenance }];
  for (const a of accounts.values()) observations.push({ type: 'account', externalId: a.externalId, names: a.names, ...seen, provenance });
  observations.push({ type: 'identity', accounts: [pseudo, ...accounts.keys()], provenance });
  if (note) observations.push({ type: 'note', account: pseudo, text: note, key: `bbdb:${uuid}:notes`, provenance });
  return { uuid, observations, problems };
}

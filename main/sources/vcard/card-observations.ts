// One vCard (2.1, 3.0 or 4.0) → observations. A card is one person: an address-book pseudo
// account `vcard+card:<UID>` carries the card's names and its profile (ORG, TITLE, ADR, BDAY ...);
// every e-mail, phone, chat and social account on it becomes an account of its own; an
// IdentitySeen ties them into one persona; NOTE becomes a note keyed by the UID, so importing the
// same card again replaces rather than duplicates anything.

import { createHash } from 'node:crypto';
import type { AccountSeen, NameSeen, Observation, Provenance } from '../../model/observations.js';
import { externalId } from '../../model/external-id.js';
import { knownServices } from '../../model/services.js';
import { accountForEmail, accountForImpp, accountForPhone, accountForUrl, trustedExternalId, type MappedAccount } from './accounts.js';
import type { CardProblem, RawCard } from './cards.js';
import type { ContactProfile, PostalAddress, StructuredName } from './contact-profile.js';
import { parseCompound, splitEscaped, unescapeText, type ContentLine } from './lines.js';

export interface CardObservations {
  uid: string;
  observations: Observation[];
  problems: CardProblem[];
}

const CHAT = knownServices().filter((s) => s.kind === 'chat').map((s) => s.key);
const SOCIAL = knownServices().filter((s) => s.kind === 'social' || s.kind === 'web' || s.kind === 'feed').map((s) => s.key);
// Types that say how to use a value rather than what it is: not useful as a label.
const NOT_LABELS = new Set(['pref', 'internet', 'voice', 'x400', 'uri', 'text']);
const SKIPPED = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY', 'PRODID', 'VERSION', 'X-ABLABEL', 'X-ABADR', 'CLIENTPIDMAP', 'MEMBER', 'X-ADDRESSBOOKSERVER-MEMBER', 'AGENT']);
const MAX_FIELD = 10_000;
// Chat properties from before IMPP (Apple, Evolution, KDE): the name says the service.
const LEGACY_CHAT: Record<string, string> = {
  'X-JABBER': 'xmpp',
  'X-GTALK': 'xmpp',
  'X-GOOGLE-TALK': 'xmpp',
  'X-SKYPE': 'skype',
  'X-SKYPE-USERNAME': 'skype',
  'X-AIM': 'aim',
  'X-MSN': 'msnim',
  'X-ICQ': 'icq',
  'X-YAHOO': 'ymsgr',
  'X-GADUGADU': 'gg',
  'X-QQ': 'qq',
  'X-MATRIX': 'matrix',
};

export function cardObservations(card: RawCard, base: Provenance): CardObservations {
  const problems: CardProblem[] = [];
  const provenance: Provenance = { ...base, record: `card ${card.index} (line ${card.line})` };
  const labels = groupLabels(card.props);
  const profile: ContactProfile = { addressBook: 'vcard' };
  const cardNames: NameSeen[] = [];
  const accounts = new Map<string, MappedAccount>();
  const notes: string[] = [];
  const fields: Record<string, unknown> = {};
  let uidRaw: string | undefined;
  let rev: string | undefined;

  const addAccount = (m: MappedAccount) => {
    const known = accounts.get(m.externalId);
    if (!known) accounts.set(m.externalId, { externalId: m.externalId, names: [...m.names] });
    else for (const n of m.names) if (!known.names.some((k) => k.name === n.name && k.kind === n.kind)) known.names.push(n);
  };
  const bad = (p: ContentLine, why: string) => problems.push({ line: p.line, reason: `line ${p.line}: ${p.name} ${why}: ${JSON.stringify(p.value.slice(0, 80))}; skipped` });

  for (const p of card.props) {
    if (SKIPPED.has(p.name)) continue;
    const text = () => unescapeText(p.value).trim();
    const skrodeId = p.params.get('X-SKRODE-ID')?.[0];
    switch (p.name) {
      case 'UID':
        uidRaw = text();
        break;
      case 'FN':
        if (text()) profile.fn = text();
        break;
      case 'N': {
        const [family, given, additional, prefixes, suffixes] = parseCompound(p.value).map((c) => c.map((s) => s.trim()).filter(Boolean));
        const n: StructuredName = {};
        if (family?.length) n.family = family;
        if (given?.length) n.given = given;
        if (additional?.length) n.additional = additional;
        if (prefixes?.length) n.prefixes = prefixes;
        if (suffixes?.length) n.suffixes = suffixes;
        if (Object.keys(n).length > 0) profile.n = n;
        break;
      }
      case 'NICKNAME':
        for (const nick of splitEscaped(p.value, ',').map(unescapeText).map((s) => s.trim()).filter(Boolean)) {
          (profile.nicknames ??= []).push(nick);
        }
        break;
      case 'EMAIL': {
        const m = accountForEmail(text());
        if (!m) bad(p, 'is not an e-mail address');
        else {
          addAccount(withTrustedId(m, skrodeId, ['email']));
          const pref = p.params.has('PREF') || (p.params.get('TYPE') ?? []).some((t) => t.toLowerCase() === 'pref');
          if (pref && !profile.primaryEmail) profile.primaryEmail = text().toLowerCase();
        }
        break;
      }
      case 'TEL': {
        const m = accountForPhone(text());
        if (!m) bad(p, 'is not a phone number');
        else addAccount(withTrustedId(m, skrodeId, ['tel']));
        break;
      }
      case 'IMPP': {
        const m = accountForImpp(text());
        const trusted = trustedExternalId(skrodeId, CHAT);
        if (m) addAccount(trusted ? { ...m, externalId: trusted } : m);
        else if (trusted) addAccount({ externalId: trusted, names: [] });
        else if (text()) (profile.impp ??= []).push(text());
        break;
      }
      case 'URL':
      case 'X-SOCIAL-PROFILE': {
        const url = text();
        const type = p.params.get('TYPE')?.find((t) => !NOT_LABELS.has(t.toLowerCase()));
        const user = p.params.get('X-USER')?.[0];
        const m = accountForUrl(url, { type, user });
        const trusted = trustedExternalId(skrodeId, SOCIAL);
        if (m) addAccount(trusted ? { ...m, externalId: trusted } : m);
        else if (trusted) addAccount({ externalId: trusted, names: [] });
        else if (/^https?:\/\//i.test(url)) {
          const label = labelOf(p, labels) ?? (p.name === 'X-SOCIAL-PROFILE' ? type : undefined);
          const entry = label ? { url, label } : { url };
          if (!(profile.urls ??= []).some((u) => u.url === url)) profile.urls.push(entry);
        } else if (url) bad(p, 'is not a URL or a profile Skrode recognises');
        break;
      }
      case 'X-TWITTER': {
        const m = accountForUrl('', { type: 'twitter', user: text() });
        if (m) addAccount(m);
        else bad(p, 'is not a Twitter handle');
        break;
      }
      case 'X-SKRODE-ACCOUNT': {
        // Written by Skrode's own exporter for accounts no standard property can carry.
        const id = trustedExternalId(text());
        if (id) addAccount({ externalId: id, names: [] });
        else bad(p, 'is not an account id Skrode knows');
        break;
      }
      case 'ORG': {
        const parts = parseCompound(p.value).map((c) => c.join(', ').trim()).filter(Boolean);
        if (parts.length > 0) profile.org = parts;
        break;
      }
      case 'TITLE':
        if (text()) profile.title = text();
        break;
      case 'ROLE':
        if (text()) profile.role = text();
        break;
      case 'ADR': {
        const a = address(p, labels);
        if (a) (profile.addresses ??= []).push(a);
        break;
      }
      case 'BDAY':
        if (text()) profile.birthday = text();
        break;
      case 'ANNIVERSARY':
      case 'X-ANNIVERSARY':
        if (text()) profile.anniversary = text();
        break;
      case 'NOTE':
        if (text()) notes.push(unescapeText(p.value).replace(/\r\n?/g, '\n').trim());
        break;
      case 'CATEGORIES':
        profile.categories = splitEscaped(p.value, ',').map(unescapeText).map((s) => s.trim()).filter(Boolean);
        break;
      case 'X-GENDER':
        if (text()) profile.gender = text();
        break;
      case 'GENDER': {
        const g = parseCompound(p.value).flat().filter(Boolean).join(' ');
        if (g) profile.gender = g;
        break;
      }
      case 'REV':
        rev = vcardTimestamp(text());
        break;
      default: {
        const legacy = LEGACY_CHAT[p.name];
        if (legacy) {
          const m = accountForImpp(`${legacy}:${text()}`);
          if (m) addAccount(m);
          else if (text()) (profile.impp ??= []).push(`${legacy}:${text()}`);
          break;
        }
        if (p.name.startsWith('X-') || ['KIND', 'LANG', 'TZ', 'GEO', 'RELATED', 'SOURCE', 'FBURL', 'CALURI', 'CALADRURI', 'XML', 'LABEL', 'MAILER', 'SORT-STRING', 'CLASS'].includes(p.name)) {
          const v = text().slice(0, MAX_FIELD);
          if (!v) break;
          const key = p.name.toLowerCase();
          const prev = fields[key];
          fields[key] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
      }
    }
  }

  const uid = cardUid(uidRaw, card);
  const pseudo = externalId('vcard', 'card', uid);
  // A contact group (vCard 4 KIND:group, Apple's X-ADDRESSBOOKSERVER-KIND) is not a person.
  const kind = String(fields.kind ?? fields['x-addressbookserver-kind'] ?? '').toLowerCase();
  if (kind === 'group') return { uid, observations: [], problems };
  if (!profile.fn) profile.fn = formatName(profile.n) ?? profile.org?.[0] ?? [...accounts.values()][0]?.names[0]?.name;
  if (profile.fn) cardNames.push({ name: profile.fn, kind: 'display' });
  const formatted = formatName(profile.n);
  if (formatted && formatted !== profile.fn) cardNames.push({ name: formatted, kind: 'alias' });
  for (const nick of profile.nicknames ?? []) cardNames.push({ name: nick, kind: 'nick' });
  if (Object.keys(fields).length > 0) profile.fields = fields;
  if (rev) profile.updated = rev;
  if (!profile.fn && accounts.size === 0) {
    problems.push({ line: card.line, reason: `card ${card.index} at line ${card.line} has no name and no address, phone or account; skipped` });
    return { uid, observations: [], problems };
  }

  const seen = rev ? { seenAt: rev } : {};
  const observations: Observation[] = [];
  const pseudoAccount: AccountSeen = { type: 'account', externalId: pseudo, names: cardNames, profile: { ...profile }, ...seen, provenance };
  observations.push(pseudoAccount);
  for (const a of accounts.values()) {
    if (a.externalId === pseudo) continue;
    observations.push({ type: 'account', externalId: a.externalId, names: a.names, ...seen, provenance });
  }
  observations.push({ type: 'identity', accounts: [pseudo, ...[...accounts.keys()].filter((k) => k !== pseudo)], provenance });
  if (notes.length > 0) observations.push({ type: 'note', account: pseudo, text: notes.join('\n\n'), key: `vcard:${uid}:note`, provenance });
  return { uid, observations, problems };
}

function withTrustedId(m: MappedAccount, raw: string | undefined, services: string[]): MappedAccount {
  const trusted = trustedExternalId(raw, services);
  return trusted ? { ...m, externalId: trusted } : m;
}

/** The card's UID, without a `urn:uuid:` prefix; a hash of the card when it has none. */
function cardUid(raw: string | undefined, card: RawCard): string {
  const uid = raw?.replace(/^urn:uuid:/i, '').trim();
  if (uid && uid.length <= 1000 && !/[\u0000-\u001f]/.test(uid)) return uid;
  // No usable UID: the same card content gives the same id, so re-import stays idempotent.
  const h = createHash('sha256');
  for (const p of card.props) if (p.name !== 'REV' && p.name !== 'PRODID') h.update(`${p.name}:${p.value}\n`);
  return `sha256-${h.digest('hex').slice(0, 32)}`;
}

/** Apple groups a property with a label: `item1.ADR` + `item1.X-ABLabel:_$!<Home>!$_`. */
function groupLabels(props: readonly ContentLine[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of props) {
    if (p.name === 'X-ABLABEL' && p.group) {
      const label = unescapeText(p.value).replace(/^_\$!<(.*)>!\$_$/, '$1').trim();
      if (label) out.set(p.group, label.toLowerCase());
    }
  }
  return out;
}

function labelOf(p: ContentLine, labels: Map<string, string>): string | undefined {
  if (p.group && labels.has(p.group)) return labels.get(p.group);
  return p.params.get('TYPE')?.map((t) => t.toLowerCase()).find((t) => !NOT_LABELS.has(t));
}

function address(p: ContentLine, labels: Map<string, string>): PostalAddress | undefined {
  const c = parseCompound(p.value).map((items) => items.map((s) => s.trim()));
  const one = (i: number) => c[i]?.filter(Boolean).join(', ') || undefined;
  // Street may be a list (vCard 4 allows commas) or one value with line breaks.
  const street = (c[2] ?? []).flatMap((s) => s.split('\n')).map((s) => s.trim()).filter(Boolean);
  const a: PostalAddress = { street };
  const label = labelOf(p, labels);
  if (label) a.label = label;
  const set = (k: 'pobox' | 'extended' | 'locality' | 'region' | 'postcode' | 'country', i: number) => {
    const v = one(i);
    if (v) a[k] = v;
  };
  set('pobox', 0);
  set('extended', 1);
  set('locality', 3);
  set('region', 4);
  set('postcode', 5);
  set('country', 6);
  return Object.keys(a).length > 1 || street.length > 0 ? a : undefined;
}

export function formatName(n: StructuredName | undefined): string | undefined {
  if (!n) return undefined;
  const s = [...(n.prefixes ?? []), ...(n.given ?? []), ...(n.additional ?? []), ...(n.family ?? []), ...(n.suffixes ?? [])].join(' ').trim();
  return s || undefined;
}

/** REV as written by vCard 3/4 (`20240102T030405Z`, `2024-01-02T03:04:05Z`, a date) → ISO, or undefined. */
export function vcardTimestamp(v: string): string | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:T(\d{2}):?(\d{2}):?(\d{2})(?:[.,]\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone = 'Z'] = m;
  const z = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const t = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${z}`);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

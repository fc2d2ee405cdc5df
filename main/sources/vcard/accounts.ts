// Which account an address-book entry names: an e-mail address, a phone number, a chat URI
// (IMPP) or a profile URL on a service Skrode knows. Shared by the vCard and BBDB importers.
//
// External ids chosen here (see docs/observations.md for the general form):
// - `email+addr:<address, lower-case>`, `tel+number:<digits, with a leading + if given>`
// - `xmpp+user:<bare jid, lower-case>`, `irc+user:<network>/<nick>`, `matrix+user:@user:server`
// - `mastodon+user:@user@host`, `hackernews+user:<name>`, `lobsters+user:<name>`,
//   `keybase+user:<name>`, `reddit+user:<name>`, `bluesky+user:<did>`, `facebook+user:<numeric id>`
//   where the URL carries the service's own stable key.
// - `<service>+handle:<screen name, lower-case>` for services whose stable key is a number the
//   card does not have (X/Twitter, GitHub, Facebook vanity names, LinkedIn, Bluesky handles).
//   A handle account is a separate account; a connector that learns the handle's numeric id
//   should emit EvidenceSeen(kind `same-handle`) between the two, so nothing is merged on a
//   guess (a handle can be re-used by someone else after a rename).
// Anything else (home pages, skype:, sip:) is not an account; it stays on the card's profile.

import type { NameSeen } from '../../model/observations.js';
import { externalId, parseExternalId } from '../../model/external-id.js';
import { knownServices, serviceForUrl } from '../../model/services.js';

export interface MappedAccount {
  externalId: string;
  names: NameSeen[];
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/;

export function accountForEmail(raw: string): MappedAccount | undefined {
  const addr = raw.trim().replace(/^mailto:/i, '');
  if (!EMAIL.test(addr) || addr.length > 320) return undefined;
  return { externalId: externalId('email', 'addr', addr.toLowerCase()), names: [{ name: addr, kind: 'email' }] };
}

/** A phone number as written; the id keeps its digits (and a leading +), the name keeps the text. */
export function accountForPhone(raw: string): MappedAccount | undefined {
  const text = raw.trim().replace(/^tel:/i, '');
  const main = text.split(/;ext=|\s*(?:x|ext\.?)\s*(?=\d+$)/i);
  const base = main[0]!;
  const digits = base.replace(/[^\d]/g, '');
  if (digits.length < 3 || digits.length > 20) return undefined;
  const ext = main[1] ? `;ext=${main[1].replace(/[^\d]/g, '')}` : '';
  const plus = /^\s*\+/.test(base) ? '+' : '';
  return { externalId: externalId('tel', 'number', `${plus}${digits}${ext}`), names: [{ name: text, kind: 'phone' }] };
}

function handleAccount(service: string, handle: string, at = false): MappedAccount | undefined {
  const h = handle.replace(/^@/, '').trim();
  if (!/^[\w.-]{1,100}$/u.test(h)) return undefined;
  return { externalId: externalId(service, 'handle', h.toLowerCase()), names: [{ name: at ? `@${h}` : h, kind: 'handle' }] };
}

function userAccount(service: string, name: string, lower = false): MappedAccount | undefined {
  const n = name.trim();
  if (!/^[\w.-]{1,100}$/u.test(n)) return undefined;
  return { externalId: externalId(service, 'user', lower ? n.toLowerCase() : n), names: [{ name: n, kind: 'handle' }] };
}

function mastodonAccount(user: string, host: string): MappedAccount | undefined {
  const u = user.replace(/^@/, '');
  const h = host.toLowerCase();
  if (!/^[\w.-]{1,100}$/.test(u) || !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(h)) return undefined;
  const handle = `@${u}@${h}`;
  return { externalId: externalId('mastodon', 'user', handle), names: [{ name: handle, kind: 'handle' }] };
}

const TWITTER_RESERVED = new Set(['home', 'search', 'intent', 'i', 'share', 'hashtag', 'explore', 'settings', 'notifications', 'messages', 'login', 'signup']);
// Hosts that use `/@name` paths but are not fediverse servers.
const NOT_FEDIVERSE = ['medium.com', 'youtube.com', 'tiktok.com', 'threads.net', 'threads.com'];

/**
 * The account a profile URL names. `hint` is what X-SOCIAL-PROFILE says (its TYPE and X-USER):
 * a type of `mastodon` lets any host count as a fediverse server.
 */
export function accountForUrl(url: string, hint: { type?: string; user?: string } = {}): MappedAccount | undefined {
  const type = hint.type?.toLowerCase();
  let u: URL | undefined;
  try {
    u = new URL(url.trim());
  } catch {
    u = undefined;
  }
  if (u && (u.protocol === 'http:' || u.protocol === 'https:')) {
    const fromUrl = accountForHttpUrl(u, type);
    if (fromUrl) return fromUrl;
  }
  // Apple writes `X-SOCIAL-PROFILE;type=twitter;x-user=ada:x-apple:ada`: trust type + user.
  if (type && hint.user) return accountForTypedUser(type, hint.user);
  return undefined;
}

function accountForHttpUrl(u: URL, type: string | undefined): MappedAccount | undefined {
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  const parts = u.pathname.split('/').filter(Boolean).map(safeDecode);
  const first = parts[0];
  const service = serviceForUrl(u.href);
  switch (service?.key) {
    case 'twitter':
      if (first === 'i' && parts[1] === 'user' && /^\d+$/.test(parts[2] ?? '')) return { externalId: externalId('twitter', 'user', parts[2]!), names: [] };
      return first && !TWITTER_RESERVED.has(first.toLowerCase()) ? handleAccount('twitter', first, true) : undefined;
    case 'github':
      if (host.endsWith('.github.io')) return handleAccount('github', host.slice(0, -'.github.io'.length));
      return first ? handleAccount('github', first) : undefined;
    case 'hackernews': {
      const id = u.searchParams.get('id');
      return u.pathname === '/user' && id ? userAccount('hackernews', id) : undefined;
    }
    case 'lobsters':
      if (first?.startsWith('~')) return userAccount('lobsters', first.slice(1));
      return first === 'u' || first === 'users' ? (parts[1] ? userAccount('lobsters', parts[1]) : undefined) : undefined;
    case 'keybase':
      return first ? userAccount('keybase', first, true) : undefined;
    case 'reddit':
      return (first === 'user' || first === 'u') && parts[1] ? userAccount('reddit', parts[1], true) : undefined;
    case 'bluesky':
      if (first !== 'profile' || !parts[1]) return undefined;
      if (/^did:[a-z]+:[A-Za-z0-9._:%-]+$/.test(parts[1])) return { externalId: externalId('bluesky', 'user', parts[1]), names: [] };
      return handleAccount('bluesky', parts[1], true);
    case 'facebook': {
      const id = u.searchParams.get('id');
      if (first === 'profile.php' && id && /^\d+$/.test(id)) return { externalId: externalId('facebook', 'user', id), names: [] };
      return first ? handleAccount('facebook', first) : undefined;
    }
    case 'linkedin':
      return first === 'in' && parts[1] ? handleAccount('linkedin', parts[1]) : undefined;
    case 'matrix': {
      const m = /^#\/(@[^:]+:[a-z0-9.-]+)$/i.exec(u.hash);
      return m ? matrixAccount(safeDecode(m[1]!)) : undefined;
    }
    case undefined:
      break;
    default:
      return undefined;
  }
  // A fediverse profile: https://host/@user (or /users/user when the card says it is Mastodon).
  if (NOT_FEDIVERSE.some((d) => host === d || host.endsWith(`.${d}`))) return undefined;
  if (parts.length === 1 && first?.startsWith('@') && !first.slice(1).includes('@')) return mastodonAccount(first, host);
  if (type === 'mastodon' && first === 'users' && parts[1] && parts.length === 2) return mastodonAccount(parts[1], host);
  return undefined;
}

function accountForTypedUser(type: string, user: string): MappedAccount | undefined {
  const u = user.trim();
  switch (type) {
    case 'twitter':
    case 'x':
      return handleAccount('twitter', u, true);
    case 'github':
      return handleAccount('github', u);
    case 'mastodon': {
      const m = /^@?([^@\s]+)@([^@\s]+)$/.exec(u);
      return m ? mastodonAccount(m[1]!, m[2]!) : undefined;
    }
    case 'bluesky':
      return handleAccount('bluesky', u, true);
    case 'hackernews':
      return userAccount('hackernews', u);
    case 'lobsters':
      return userAccount('lobsters', u);
    case 'keybase':
      return userAccount('keybase', u, true);
    case 'reddit':
      return userAccount('reddit', u.replace(/^u\//, ''), true);
    case 'facebook':
      return handleAccount('facebook', u);
    case 'linkedin':
      return handleAccount('linkedin', u);
    default:
      return undefined;
  }
}

function matrixAccount(mxid: string): MappedAccount | undefined {
  if (!/^@[^:\s]+:[a-z0-9.-]+(?::\d+)?$/i.test(mxid)) return undefined;
  return { externalId: externalId('matrix', 'user', mxid), names: [{ name: mxid, kind: 'handle' }] };
}

/** The IRC network a server host name stands for: `irc.libera.chat` → `libera`. */
export function ircNetwork(host: string): string {
  const labels = host.toLowerCase().split('.').filter(Boolean);
  while (labels.length > 2 && ['irc', 'chat', 'ircs'].includes(labels[0]!)) labels.shift();
  return labels[0] ?? host.toLowerCase();
}

/** An IMPP URI: xmpp:, irc://, ircs://, matrix:. Other schemes are not accounts Skrode models. */
export function accountForImpp(raw: string): MappedAccount | undefined {
  const uri = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  const rest = scheme ? uri.slice(scheme.length + 1) : '';
  switch (scheme) {
    case 'xmpp':
    case 'jabber': {
      const jid = safeDecode(rest.replace(/^\/\/[^/]*\//, '').replace(/^\/\//, '')).split(/[?/]/)[0]!;
      if (!EMAIL.test(jid)) return undefined;
      return { externalId: externalId('xmpp', 'user', jid.toLowerCase()), names: [{ name: jid, kind: 'handle' }] };
    }
    case 'irc':
    case 'ircs':
    case 'irc6': {
      let u: URL;
      try {
        u = new URL(uri);
      } catch {
        return undefined;
      }
      const target = safeDecode(u.pathname.replace(/^\//, ''));
      const [nick, ...flags] = target.split(',');
      if (!nick || !u.hostname || nick.startsWith('#') || flags.includes('ischannel')) return undefined;
      if (!/^[^\s,#/]{1,64}$/.test(nick)) return undefined;
      return { externalId: externalId('irc', 'user', `${ircNetwork(u.hostname)}/${nick}`), names: [{ name: nick, kind: 'nick' }] };
    }
    case 'matrix': {
      const m = /^u\/([^:/?]+:[^/?]+)/.exec(rest);
      return m ? matrixAccount(`@${safeDecode(m[1]!)}`) : undefined;
    }
    case 'https':
    case 'http':
      return accountForUrl(uri);
    default:
      return undefined;
  }
}

const KNOWN = new Set(knownServices().map((s) => s.key));
const PSEUDO = new Set(['namesvc']);

/**
 * An external id written by Skrode's own exporter (the `X-SKRODE-ID` parameter or an
 * `X-SKRODE-ACCOUNT` property), accepted only when it is well formed, on a service Skrode knows,
 * and (when given) on one of the services the property could name.
 */
export function trustedExternalId(raw: string | undefined, services?: readonly string[]): string | undefined {
  if (!raw) return undefined;
  try {
    const id = parseExternalId(raw.trim());
    if (!KNOWN.has(id.service) || PSEUDO.has(id.service)) return undefined;
    if (services && !services.includes(id.service)) return undefined;
    return raw.trim();
  } catch {
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

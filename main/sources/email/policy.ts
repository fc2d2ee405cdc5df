// Capture policies for mail, after BBDB's (SOURCES.md §1.3): which headers create people, which
// addresses are the user's own or noise, what a new display name for a known address becomes,
// which addresses are redundant, and which headers write notes. Parsed from the plain object of
// the `email:` section of config.yml, so the config loader only has to hand it over.

export type HeaderAction = 'create' | 'update' | 'suggest' | 'ignore';
export const HEADER_ACTIONS: readonly HeaderAction[] = ['create', 'update', 'suggest', 'ignore'];

/** The address headers we read, lower-case, in BBDB's two classes. */
export const SENDER_HEADERS = ['resent-from', 'from', 'reply-to', 'sender'] as const;
export const RECIPIENT_HEADERS = ['resent-to', 'resent-cc', 'to', 'cc', 'bcc'] as const;
export type AddressHeader = (typeof SENDER_HEADERS)[number] | (typeof RECIPIENT_HEADERS)[number];
export const ADDRESS_HEADERS: readonly AddressHeader[] = [...SENDER_HEADERS, ...RECIPIENT_HEADERS];

export interface AutoNoteRule {
  /** Header name, case-insensitive (e.g. `list-id`, `subject`, `x-mailer`). */
  header: string;
  /** Regular expression tested against the header value; `$1`.. in `note` refer to its groups. */
  match: RegExp;
  /** The note text; `$0` is the whole match, `$1`.. the groups. */
  note: string;
  /** Whose persona gets the note: the senders (BBDB's default) or every captured address. */
  who: 'senders' | 'all';
}

export interface EmailPolicy {
  /** The user's own addresses (exact, lower-case) and patterns: never contacts, linked to self. */
  selfAddresses: string[];
  selfPatterns: RegExp[];
  /** Addresses that are never captured (noreply, mailer-daemon ...). */
  ignoreAddresses: RegExp[];
  /** Messages whose List-Id matches one of these are skipped whole. */
  ignoreLists: RegExp[];
  /** What each address header does for an address not yet known. */
  headers: Record<AddressHeader, HeaderAction>;
  /** BBDB's `bbdb-message-all-addresses` off: only the first matching header of a class counts. */
  allAddresses: boolean;
  /** A new display name for a known address: kept as an `alias` (BBDB's AKA), as `display`, or dropped. */
  newName: 'alias' | 'display' | 'ignore';
  /** Hosts collapsed to a canonical one (BBDB's `bbdb-canonical-hosts`), lower-case. */
  canonicalHosts: Record<string, string>;
  /** Fold `foo@sub.example.com` into `foo@example.com` when the latter is known. */
  foldRedundant: boolean;
  autoNotes: AutoNoteRule[];
  /** Messages larger than this are not parsed: their headers are kept, the body is skipped with a note. */
  maxMessageBytes: number;
  /** A Gmail label (X-Gmail-Labels) or Maildir folder name that marks outgoing mail. */
  sentLabels: string[];
}

export const DEFAULT_IGNORE_ADDRESSES = [
  '^(no-?reply|do-?not-?reply|donotreply|noreply-[^@]*)@',
  '^mailer-daemon@',
  '^postmaster@',
  '^bounces?[+-]?[^@]*@',
  '@bounces?\\.',
  '^notifications?@',
  '^.*-noreply@',
];

export function defaultEmailPolicy(): EmailPolicy {
  return {
    selfAddresses: [],
    selfPatterns: [],
    ignoreAddresses: DEFAULT_IGNORE_ADDRESSES.map((p) => new RegExp(p, 'i')),
    ignoreLists: [],
    headers: {
      'resent-from': 'create',
      from: 'create',
      'reply-to': 'create',
      sender: 'update',
      'resent-to': 'create',
      'resent-cc': 'create',
      to: 'create',
      cc: 'create',
      bcc: 'create',
    },
    allAddresses: true,
    newName: 'alias',
    canonicalHosts: { 'googlemail.com': 'gmail.com' },
    foldRedundant: true,
    autoNotes: [{ header: 'list-id', match: /<?([^<>\s]+)>?\s*$/, note: 'Seen on mailing list $1', who: 'senders' }],
    maxMessageBytes: 32 * 1024 * 1024,
    sentLabels: ['sent', 'sent mail', 'sent items', 'sent messages'],
  };
}

export class EmailPolicyError extends Error {
  override name = 'EmailPolicyError';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new EmailPolicyError(`email.${where}: want a list of strings`);
  return v as string[];
}

function regex(p: string, where: string): RegExp {
  // `/.../flags` is a literal regex; anything else is a case-insensitive pattern.
  const lit = /^\/(.*)\/([a-z]*)$/s.exec(p);
  try {
    return lit ? new RegExp(lit[1]!, lit[2]!.includes('i') ? lit[2] : `${lit[2]}i`) : new RegExp(p, 'i');
  } catch (e) {
    throw new EmailPolicyError(`email.${where}: bad pattern ${JSON.stringify(p)}: ${(e as Error).message}`);
  }
}

/**
 * Parse the `email:` section of config.yml. Unknown keys are refused (a typo would otherwise
 * silently keep a default). Lists given by the user extend the defaults unless `replace` says so.
 */
export function parseEmailPolicy(raw: unknown): EmailPolicy {
  const p = defaultEmailPolicy();
  if (raw === undefined || raw === null) return p;
  if (!isRecord(raw)) throw new EmailPolicyError('email: want a mapping');
  const known = new Set([
    'self',
    'ignore',
    'ignoreLists',
    'replaceIgnore',
    'headers',
    'allAddresses',
    'newName',
    'canonicalHosts',
    'foldRedundant',
    'autoNotes',
    'replaceAutoNotes',
    'maxMessageBytes',
    'sentLabels',
  ]);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new EmailPolicyError(`email.${k}: unknown setting`);

  for (const s of stringList(raw.self, 'self')) {
    if (/^\/.*\/[a-z]*$/s.test(s)) p.selfPatterns.push(regex(s, 'self'));
    else p.selfAddresses.push(s.trim().toLowerCase());
  }
  const ignore = stringList(raw.ignore, 'ignore').map((s) => regex(s, 'ignore'));
  p.ignoreAddresses = raw.replaceIgnore === true ? ignore : [...p.ignoreAddresses, ...ignore];
  p.ignoreLists = stringList(raw.ignoreLists, 'ignoreLists').map((s) => regex(s, 'ignoreLists'));

  if (raw.headers !== undefined) {
    if (!isRecord(raw.headers)) throw new EmailPolicyError('email.headers: want a mapping of header: action');
    for (const [h, a] of Object.entries(raw.headers)) {
      const key = h.toLowerCase() as AddressHeader;
      if (!ADDRESS_HEADERS.includes(key)) throw new EmailPolicyError(`email.headers.${h}: not an address header (${ADDRESS_HEADERS.join(', ')})`);
      if (typeof a !== 'string' || !HEADER_ACTIONS.includes(a as HeaderAction)) {
        throw new EmailPolicyError(`email.headers.${h}: want one of ${HEADER_ACTIONS.join(', ')}`);
      }
      p.headers[key] = a as HeaderAction;
    }
  }
  if (raw.allAddresses !== undefined) {
    if (typeof raw.allAddresses !== 'boolean') throw new EmailPolicyError('email.allAddresses: want true or false');
    p.allAddresses = raw.allAddresses;
  }
  if (raw.newName !== undefined) {
    if (raw.newName !== 'alias' && raw.newName !== 'display' && raw.newName !== 'ignore') {
      throw new EmailPolicyError('email.newName: want alias, display or ignore');
    }
    p.newName = raw.newName;
  }
  if (raw.canonicalHosts !== undefined) {
    if (!isRecord(raw.canonicalHosts)) throw new EmailPolicyError('email.canonicalHosts: want a mapping of host: canonical host');
    for (const [h, c] of Object.entries(raw.canonicalHosts)) {
      if (typeof c !== 'string') throw new EmailPolicyError(`email.canonicalHosts.${h}: want a host name`);
      p.canonicalHosts[h.toLowerCase()] = c.toLowerCase();
    }
  }
  if (raw.foldRedundant !== undefined) {
    if (typeof raw.foldRedundant !== 'boolean') throw new EmailPolicyError('email.foldRedundant: want true or false');
    p.foldRedundant = raw.foldRedundant;
  }
  if (raw.autoNotes !== undefined) {
    if (!Array.isArray(raw.autoNotes)) throw new EmailPolicyError('email.autoNotes: want a list of {header, match, note}');
    const rules = raw.autoNotes.map((r, i): AutoNoteRule => {
      if (!isRecord(r) || typeof r.header !== 'string' || typeof r.note !== 'string') {
        throw new EmailPolicyError(`email.autoNotes[${i}]: want {header, match?, note, who?}`);
      }
      const who = r.who ?? 'senders';
      if (who !== 'senders' && who !== 'all') throw new EmailPolicyError(`email.autoNotes[${i}].who: want senders or all`);
      const match = r.match === undefined ? /.+/ : typeof r.match === 'string' ? regex(r.match, `autoNotes[${i}].match`) : null;
      if (!match) throw new EmailPolicyError(`email.autoNotes[${i}].match: want a pattern`);
      return { header: r.header.toLowerCase(), match, note: r.note, who };
    });
    p.autoNotes = raw.replaceAutoNotes === true ? rules : [...p.autoNotes, ...rules];
  }
  if (raw.maxMessageBytes !== undefined) {
    if (typeof raw.maxMessageBytes !== 'number' || !(raw.maxMessageBytes >= 1024)) {
      throw new EmailPolicyError('email.maxMessageBytes: want a number of bytes, at least 1024');
    }
    p.maxMessageBytes = raw.maxMessageBytes;
  }
  if (raw.sentLabels !== undefined) p.sentLabels = stringList(raw.sentLabels, 'sentLabels').map((s) => s.toLowerCase());
  return p;
}

/** Lower-case an address and collapse its host by `canonicalHosts`. */
export function canonicalAddress(address: string, policy: EmailPolicy): string {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at < 0) return a;
  const host = a.slice(at + 1);
  const canon = policy.canonicalHosts[host];
  return canon ? `${a.slice(0, at)}@${canon}` : a;
}

export function isSelfAddress(address: string, policy: EmailPolicy): boolean {
  return policy.selfAddresses.includes(address) || policy.selfPatterns.some((r) => r.test(address));
}

export function isIgnoredAddress(address: string, policy: EmailPolicy): boolean {
  return policy.ignoreAddresses.some((r) => r.test(address));
}

/** The hosts an address would be redundant against: `a@x.y.example.com` → y.example.com, example.com. */
export function parentHosts(host: string): string[] {
  const parts = host.split('.');
  const out: string[] = [];
  // Stop before the bare TLD (and before a two-label public suffix like co.uk, roughly).
  for (let i = 1; i < parts.length - 1; i++) {
    const rest = parts.slice(i);
    if (rest.length === 2 && rest[0]!.length <= 3 && rest[1]!.length === 2) break;
    out.push(rest.join('.'));
  }
  return out;
}

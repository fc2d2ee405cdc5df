// Turns one parsed message into observations under the capture policy (BBDB's MUA rules, see
// policy.ts). Stateful across the messages of one import: it learns the user's own addresses
// from sent mail, remembers the display names already seen for each address (so a new one
// becomes an alias), and which addresses exist (so `foo@mail.example.com` folds into
// `foo@example.com`). The same class serves mbox, Maildir and IMAP.
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail } from 'mailparser';
import type { SuggestionSighting } from '../../store/port.js';
import type { AccountSeen, DistributionSeen, NameSeen, Observation, PostSeen, Provenance } from '../../model/observations.js';
import { Lru } from '../../store/sqlite/lru.js';
import { NOTHING_KNOWN, type KnownAccounts } from './known-accounts.js';
import {
  ADDRESS_HEADERS,
  RECIPIENT_HEADERS,
  SENDER_HEADERS,
  canonicalAddress,
  isIgnoredAddress,
  isSelfAddress,
  parentHosts,
  type AddressHeader,
  type EmailPolicy,
} from './policy.js';

export interface MessageMeta {
  /** Finds the message for the user: `message 12 at byte 4096`, a Maildir file name, `UID 77`. */
  record: string;
  /** Folder name (Maildir/IMAP); a folder matching a sent label marks outgoing mail. */
  folder?: string;
  /** The raw bytes, for the content hash when Message-ID is missing. */
  raw: Buffer;
  /** Set when the message was larger than maxMessageBytes and only its head was read. */
  truncatedSize?: number;
  /** A fallback date (the mbox envelope line, the IMAP internal date). */
  fallbackDate?: Date;
}

export interface CaptureResult {
  observations: Observation[];
  /** Problems with this message that did not stop it from being imported. */
  problems: string[];
  /** Set when the message was skipped whole, with the reason. */
  skipped?: string;
  post?: string;
  /** The record with its Message-ID, for problems. */
  record: string;
  /** Addresses this message brought under a `suggest` header (Store.recordSuggestions). */
  suggestions: SuggestionSighting[];
}

const URL_RE = /\bhttps?:\/\/[^\s<>"'`)\]}]+/gi;
const HREF_RE = /\bhref\s*=\s*["']?(https?:\/\/[^"'\s>]+)/gi;
// Characters; at most 3 UTF-8 bytes each, under the store's 1 MB text limit.
const MAX_TEXT = 300 * 1024;
const MAX_RECIPIENTS = 5000;
/** Account first/last-seen times are kept to this precision during one import (see needsSighting). */
const SIGHTING_GRAIN = 3600_000;
/**
 * Addresses whose state (known, names, sighting range) is remembered during one import. An mbox
 * of any size then holds the same memory; an address evicted and seen again is asked of the
 * store once more, which by then holds what this import captured for it.
 */
export const ADDRESS_CACHE = 50_000;
const MAX_ATTACHMENTS = 200;
const MAX_LINKS = 100;
const ADDRESS_OK = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+$/;

function flattenAddresses(list: EmailAddress[] | undefined, out: EmailAddress[] = []): EmailAddress[] {
  for (const a of list ?? []) {
    if (a.group) flattenAddresses(a.group, out);
    else out.push(a);
  }
  return out;
}

function addressesOf(v: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  if (!v) return [];
  const objs = Array.isArray(v) ? v : [v];
  return objs.flatMap((o) => flattenAddresses(o.value));
}

/** A display name worth keeping: not empty, not the address itself, no quotes around it. */
function cleanName(name: string | undefined, address: string): string | null {
  if (!name) return null;
  const n = name
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/^["'\s]+|["'\s]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!n || n.toLowerCase() === address || n.toLowerCase() === `<${address}>`) return null;
  if (n.length > 200) return n.slice(0, 200);
  return n;
}

function cleanMessageId(id: string | undefined): string | null {
  if (!id) return null;
  const m = /<([^<>]+)>/.exec(id);
  const v = (m ? m[1]! : id).trim();
  if (!v || v.length > 900 || /[\u0000-\u001f\s]/.test(v)) return null;
  return v;
}

export function messageIdList(v: string | string[] | undefined): string[] {
  if (!v) return [];
  const all = (Array.isArray(v) ? v : [v]).join(' ');
  const out: string[] = [];
  for (const m of all.matchAll(/<([^<>\s]+)>/g)) out.push(m[1]!);
  if (out.length === 0) for (const t of all.split(/\s+/)) if (t && t.length <= 900) out.push(t);
  return out;
}

export function postIdFor(messageId: string): string {
  return `email+msg:${messageId}`;
}

/** Content hash of a message without Message-ID: line ends normalised so mbox and Maildir copies agree. */
export function contentHash(raw: Buffer): string {
  const normalised = raw.toString('latin1').replace(/\r\n/g, '\n').replace(/\n+$/, '');
  return createHash('sha256').update(normalised, 'latin1').digest('hex').slice(0, 40);
}

function rawHeader(mail: ParsedMail, key: string): string | undefined {
  const line = mail.headerLines?.find((h) => h.key === key)?.line;
  if (line === undefined) return undefined;
  const colon = line.indexOf(':');
  return line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}

function headerText(mail: ParsedMail, key: string): string | undefined {
  const raw = rawHeader(mail, key);
  if (raw !== undefined) return raw;
  const v = mail.headers.get(key);
  if (typeof v === 'string') return v;
  return undefined;
}

async function parseAddressHeader(value: string): Promise<EmailAddress[]> {
  // mailparser parses only the common address headers; for Resent-* we let it parse a one-header
  // message, which gives the same decoding of encoded words and groups.
  const m = await simpleParser(Buffer.from(`To: ${value}\r\n\r\n`), { skipHtmlToText: true, skipTextToHtml: true });
  return addressesOf(m.to);
}

function linksIn(text: string | undefined, html: string | false | undefined): string[] {
  const found = new Set<string>();
  const add = (u: string) => {
    if (found.size >= MAX_LINKS) return;
    const clean = u.replace(/[.,;:!?]+$/, '');
    try {
      const url = new URL(clean);
      if (url.protocol === 'http:' || url.protocol === 'https:') found.add(url.toString());
    } catch {
      /* not a URL after all */
    }
  };
  if (html) for (const m of html.matchAll(HREF_RE)) add(m[1]!.replace(/&amp;/g, '&'));
  if (text) for (const m of text.matchAll(URL_RE)) add(m[0]);
  return [...found];
}

function replaceGroups(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
}

/** `List-Id: Dev list <dev.lists.example.org>` → id and name (RFC 2919). */
export function parseListId(value: string | undefined): { id?: string; name?: string } {
  if (!value) return {};
  const m = /^(.*?)<([^<>\s]+)>\s*$/.exec(value);
  const id = (m ? m[2]! : value.trim()).toLowerCase();
  if (!id || id.length > 255 || /[\s\u0000-\u001f]/.test(id)) return {};
  const name = m ? m[1]!.trim().replace(/^"|"$/g, '').trim() : '';
  return name ? { id, name } : { id };
}

interface AddressState {
  /** In the store before this import, or captured by it. */
  known: boolean;
  /** Captured by this import. */
  here: boolean;
  /** Display/alias names already attached to the address. */
  names: Map<string, 'display' | 'alias'>;
}

interface Captured {
  id: string;
  address: string;
  header: AddressHeader;
  names: NameSeen[];
  self: boolean;
}

export class EmailCapture {
  private readonly selfSeen = new Set<string>();
  private readonly dynamicSelf = new Set<string>();
  /** What is known of each recently seen address (from the store or this import). */
  private readonly addresses: Lru<string, AddressState>;
  /** Addresses captured in this import by local part, to spot `foo@a.example` next to `foo@example`. */
  private readonly byLocal: Lru<string, string[]>;
  private readonly redundantSeen: Lru<string, true>;
  private readonly sightings: Lru<string, { names: Set<string>; min: number; max: number }>;
  counts = { messages: 0, sent: 0, skipped: 0, truncated: 0, addresses: 0, suggested: 0, hashedIds: 0 };

  constructor(
    private readonly policy: EmailPolicy,
    private readonly source: { source: string; file?: string },
    private readonly known: KnownAccounts = NOTHING_KNOWN,
    /** Addresses remembered (tests make it small to see eviction). */
    addressCache = ADDRESS_CACHE,
  ) {
    this.addresses = new Lru(addressCache);
    this.byLocal = new Lru(addressCache);
    this.redundantSeen = new Lru(addressCache);
    this.sightings = new Lru(addressCache);
  }

  /** Where suggestions came from, for the user: `mbox /path/to/file`, `imap:work`. */
  private get sourceLabel(): string {
    return this.source.file ? `${this.source.source} ${this.source.file}` : this.source.source;
  }

  private prov(record: string): Provenance {
    return { ...this.source, record };
  }

  private isSelf(address: string): boolean {
    return this.dynamicSelf.has(address) || isSelfAddress(address, this.policy);
  }

  /** The address's state, asked of the store the first time (or after eviction). */
  private async stateOf(address: string): Promise<AddressState> {
    const hit = this.addresses.get(address);
    if (hit) return hit;
    const k = await this.known.lookup(`email+addr:${address}`);
    const st: AddressState = { known: k.known, here: false, names: new Map(k.names.map((n) => [n.name, n.kind])) };
    this.addresses.set(address, st);
    return st;
  }

  private async isKnown(address: string): Promise<boolean> {
    return (await this.stateOf(address)).known;
  }

  /** `foo@mail.example.com` → `foo@example.com` when that address is known. */
  private async fold(address: string, obs: Observation[], prov: Provenance): Promise<string> {
    if (!this.policy.foldRedundant) return address;
    const at = address.lastIndexOf('@');
    const local = address.slice(0, at);
    for (const parent of parentHosts(address.slice(at + 1)).reverse()) {
      const candidate = `${local}@${parent}`;
      if (await this.isKnown(candidate)) return candidate;
    }
    // The shorter address may arrive after the longer one was captured: we cannot fold back,
    // so we record the evidence instead (never merged silently).
    for (const known of this.byLocal.get(local) ?? []) {
      if (known.length > address.length && known.endsWith(`.${address.slice(at + 1)}`)) {
        const key = `${known}|${address}`;
        if (this.redundantSeen.get(key) === undefined) {
          this.redundantSeen.set(key, true);
          obs.push({ type: 'evidence', a: `email+addr:${address}`, b: `email+addr:${known}`, kind: 'redundant-address', proof: `${known} is a subdomain address of ${address}`, confidence: 0.9, provenance: prov });
        }
      }
    }
    return address;
  }

  private namesFor(st: AddressState, address: string, display: string | null, original: string): NameSeen[] {
    const names: NameSeen[] = [{ name: address, kind: 'email' }];
    if (original !== address) names.push({ name: original, kind: 'email' });
    if (!display) return names;
    const kinds = st.names;
    const had = kinds.get(display);
    if (had) {
      names.push({ name: display, kind: had });
      return names;
    }
    // The first name of an address is its display name; a different one later is, by policy,
    // kept as an alias (BBDB's AKA), recorded as another display name, or dropped.
    let kind: 'display' | 'alias' = 'display';
    if (kinds.size > 0) {
      if (this.policy.newName === 'ignore') return names;
      kind = this.policy.newName;
    }
    kinds.set(display, kind);
    names.push({ name: display, kind });
    return names;
  }

  /**
   * Whether an address needs an account observation for this message: the first time, when it
   * brings a name not yet sent, or when its time widens the seen range by more than SIGHTING_GRAIN.
   * A correspondent in thousands of messages then costs the store a handful of sightings, not
   * thousands; the posts keep every exact time.
   */
  private needsSighting(c: Captured, t: number): boolean {
    let e = this.sightings.get(c.address);
    if (!e) {
      e = { names: new Set(), min: t, max: t };
      this.sightings.set(c.address, e);
      for (const n of c.names) e.names.add(`${n.kind}\u0000${n.name}`);
      return true;
    }
    let send = false;
    for (const n of c.names) {
      const k = `${n.kind}\u0000${n.name}`;
      if (!e.names.has(k)) {
        e.names.add(k);
        send = true;
      }
    }
    if (Number.isFinite(t)) {
      if (!Number.isFinite(e.min) || t < e.min - SIGHTING_GRAIN) {
        e.min = t;
        send = true;
      }
      if (!Number.isFinite(e.max) || t > e.max + SIGHTING_GRAIN) {
        e.max = t;
        send = true;
      }
    }
    return send;
  }

  /** Observations for one parsed message. Never throws for bad content: problems are returned. */
  async observe(mail: ParsedMail, meta: MessageMeta): Promise<CaptureResult> {
    const problems: string[] = [];
    const obs: Observation[] = [];
    const policy = this.policy;

    const messageId = cleanMessageId(rawHeader(mail, 'message-id') ?? mail.messageId);
    const postLocal = messageId ?? `sha256:${contentHash(meta.raw)}`;
    // No Message-ID is common in old mail and handled by design (a content hash): counted, not a problem.
    if (!messageId) this.counts.hashedIds++;
    const record = messageId ? `${meta.record} <${messageId}>` : meta.record;
    const prov = this.prov(record);

    // List-Id: skip lists the user chose to ignore.
    const { id: listId, name: listName } = parseListId(rawHeader(mail, 'list-id'));
    if (listId && policy.ignoreLists.some((r) => r.test(listId))) {
      this.counts.skipped++;
      return { observations: [], problems, record, suggestions: [], skipped: `list ${listId} is ignored by the email policy` };
    }

    const labels = (headerText(mail, 'x-gmail-labels') ?? '')
      .split(',')
      .map((l) => l.trim().replace(/^"|"$/g, ''))
      .filter(Boolean);
    const lower = new Set(labels.map((l) => l.toLowerCase()));
    const folderLeaf = meta.folder?.split(/[./]/).pop()?.toLowerCase();
    const sent = policy.sentLabels.some((l) => lower.has(l)) || (folderLeaf !== undefined && policy.sentLabels.includes(folderLeaf));

    // Collect addresses per header.
    const perHeader = new Map<AddressHeader, EmailAddress[]>();
    for (const h of ADDRESS_HEADERS) {
      let list: EmailAddress[] = [];
      if (h === 'from' || h === 'to' || h === 'cc' || h === 'bcc' || h === 'sender' || h === 'reply-to') {
        list = addressesOf(mail.headers.get(h) as AddressObject | AddressObject[] | undefined);
      } else {
        const v = rawHeader(mail, h);
        if (v) list = await parseAddressHeader(v);
      }
      if (list.length) perHeader.set(h, list);
    }

    // In sent mail the From address is the user's own, whatever the config says.
    if (sent) {
      this.counts.sent++;
      for (const a of perHeader.get('from') ?? []) {
        if (a.address && ADDRESS_OK.test(a.address.trim())) {
          const addr = canonicalAddress(a.address, policy);
          if (!isIgnoredAddress(addr, policy)) this.dynamicSelf.add(addr);
        }
      }
    }

    const captured: Captured[] = [];
    const byAddress = new Map<string, Captured>();
    /** Unknown addresses under a `suggest` header, with their display name: stored for the user to accept. */
    const suggestedHere = new Map<string, string | null>();
    let poster: string | undefined;
    let senderIgnored = false;
    const classDone = { sender: false, recipient: false };
    for (const h of ADDRESS_HEADERS) {
      const list = perHeader.get(h);
      if (!list) continue;
      const cls = (SENDER_HEADERS as readonly string[]).includes(h) ? 'sender' : 'recipient';
      const countForCapture = policy.allAddresses || !classDone[cls];
      classDone[cls] = true;
      for (const a of list) {
        const rawAddr = (a.address ?? '').trim();
        if (!rawAddr) continue;
        if (!ADDRESS_OK.test(rawAddr) || rawAddr.length > 320) {
          problems.push(`${h}: not an email address: ${JSON.stringify(rawAddr.slice(0, 80))}`);
          continue;
        }
        const original = rawAddr.toLowerCase();
        let address = canonicalAddress(rawAddr, policy);
        if (isIgnoredAddress(address, policy)) {
          if (h === 'from') senderIgnored = true;
          continue;
        }
        const self = this.isSelf(address);
        if (!self) address = await this.fold(address, obs, prov);
        const display = cleanName(a.name, address);
        // Learn what earlier imports recorded for this address (names, so a new one becomes an alias).
        const st = await this.stateOf(address);
        const existing = byAddress.get(address);
        let action = self ? 'create' : policy.headers[h];
        if (!countForCapture && action === 'create') action = 'update';
        if (existing) {
          if (display && !existing.names.some((n) => n.name === display)) existing.names.push(...this.namesFor(st, address, display, original).filter((n) => n.kind !== 'email'));
          continue;
        }
        if (action === 'ignore') continue;
        if (action === 'update' || action === 'suggest') {
          if (!(await this.isKnown(address))) {
            if (action === 'suggest' && !suggestedHere.has(address)) suggestedHere.set(address, display);
            continue;
          }
        }
        const c: Captured = { id: `email+addr:${address}`, address, header: h, names: this.namesFor(st, address, display, original), self };
        captured.push(c);
        byAddress.set(address, c);
        if (!st.here) {
          st.here = true;
          st.known = true;
          const local = address.slice(0, address.lastIndexOf('@'));
          const same = this.byLocal.get(local);
          if (same) same.push(address);
          else this.byLocal.set(local, [address]);
        }
      }
    }

    // The poster: the first sender-class address we kept (From first, as mail clients show it).
    for (const h of ['from', 'sender', 'reply-to', 'resent-from'] as const) {
      if (poster) break;
      const c = captured.find((x) => x.header === h);
      if (c) poster = c.id;
      else if (h === 'from' && senderIgnored) break;
    }
    if (!poster && !senderIgnored) {
      // A From we could not capture under the policy (update-only, suggest) still posted the message.
      const from = (perHeader.get('from') ?? []).find((a) => a.address && ADDRESS_OK.test(a.address.trim()));
      if (from) poster = `email+addr:${canonicalAddress(from.address!, policy)}`;
    }
    if (senderIgnored && !poster) {
      this.counts.skipped++;
      return { observations: [], problems, record, suggestions: [], skipped: 'sender is ignored by the email policy (noreply, mailer-daemon ...)' };
    }
    if (!poster) {
      this.counts.skipped++;
      problems.push('no sender address (From, Sender, Reply-To): message skipped');
      return { observations: [], problems, record, suggestions: [], skipped: 'no sender' };
    }

    // Date: mailparser silently uses "now" for an invalid Date header, so we read it ourselves.
    let when: string | undefined;
    const dateHeader = rawHeader(mail, 'date');
    if (dateHeader !== undefined) {
      const t = Date.parse(dateHeader.replace(/\s*\([^)]*\)\s*$/, ''));
      if (Number.isFinite(t)) when = new Date(t).toISOString();
      else problems.push(`invalid Date header ${JSON.stringify(dateHeader.slice(0, 60))}`);
    }
    if (!when && meta.fallbackDate && Number.isFinite(meta.fallbackDate.getTime())) when = meta.fallbackDate.toISOString();

    const t = when ? Date.parse(when) : NaN;
    for (const c of captured) {
      if (c.self && !this.selfSeen.has(c.address)) {
        this.selfSeen.add(c.address);
        obs.push({ type: 'identity', accounts: [c.id], self: true, provenance: prov });
      }
      if (!this.needsSighting(c, t)) continue;
      const a: AccountSeen = { type: 'account', externalId: c.id, names: c.names, provenance: prov };
      if (when) a.seenAt = when;
      obs.push(a);
    }
    this.counts.addresses += captured.length;

    // Distribution, threads, list.
    const distribution: DistributionSeen[] = [];
    const seenTargets = new Set<string>();
    for (const c of captured) {
      if (!(RECIPIENT_HEADERS as readonly string[]).includes(c.header)) continue;
      const rel = c.header === 'cc' || c.header === 'resent-cc' ? 'cc' : c.header === 'bcc' ? 'bcc' : 'to';
      const key = `${rel}|${c.id}`;
      if (seenTargets.has(key) || distribution.length >= MAX_RECIPIENTS) continue;
      seenTargets.add(key);
      distribution.push({ rel, target: c.id });
    }
    if (listId) {
      const listExt = `email+list:${listId}`;
      distribution.push({ rel: 'list', target: listExt });
      obs.push({ type: 'list', externalId: listExt, ...(listName ? { name: listName } : { name: listId }), members: [poster], provenance: prov });
    }
    const refs: PostSeen['refs'] = [];
    const inReplyTo = messageIdList(rawHeader(mail, 'in-reply-to') ?? mail.inReplyTo)[0];
    if (inReplyTo && inReplyTo !== messageId) refs.push({ rel: 'reply-to', post: postIdFor(inReplyTo) });
    const references = messageIdList(rawHeader(mail, 'references') ?? mail.references);
    const root = references[0];
    if (root && root !== messageId) refs.push({ rel: 'thread', post: postIdFor(root) });
    const thrid = headerText(mail, 'x-gm-thrid')?.trim();
    if (thrid && /^\d{1,30}$/.test(thrid)) refs.push({ rel: 'thread', post: `email+gm-thread:${thrid}` });

    // Text: subject and body; HTML-only mail is converted to text by mailparser.
    const subject = (mail.subject ?? '').trim();
    let body = mail.text ?? '';
    if (meta.truncatedSize !== undefined) {
      body = `[message of ${meta.truncatedSize} bytes: larger than the ${policy.maxMessageBytes}-byte limit, body not imported]`;
      problems.push(`message is ${meta.truncatedSize} bytes, over the ${policy.maxMessageBytes}-byte limit: headers kept, body skipped`);
      this.counts.truncated++;
    }
    let text = subject ? `${subject}\n\n${body}` : body;
    text = text.replace(/\u0000/g, '');
    if (text.length > MAX_TEXT) text = `${text.slice(0, MAX_TEXT)}\n[… truncated]`;

    const postId = postIdFor(postLocal);
    const post: PostSeen = {
      type: 'post',
      externalId: postId,
      poster,
      text,
      distribution,
      refs,
      links: meta.truncatedSize !== undefined ? [] : linksIn(mail.text, mail.html),
      raw: {
        subject,
        messageId,
        direction: sent ? 'sent' : 'received',
        ...(labels.length ? { labels } : {}),
        ...(listId ? { listId } : {}),
        ...(meta.folder ? { folder: meta.folder } : {}),
        ...(mail.attachments?.length ? { attachments: mail.attachments.slice(0, MAX_ATTACHMENTS).map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })) } : {}),
        ...(meta.truncatedSize !== undefined ? { truncated: true, size: meta.truncatedSize } : {}),
      },
      provenance: prov,
    };
    if (when) post.when = when;
    obs.push(post);

    // Auto-notes (BBDB's bbdb-auto-notes-rules).
    for (const rule of policy.autoNotes) {
      const value = headerText(mail, rule.header);
      if (value === undefined) continue;
      const m = rule.match.exec(value);
      if (!m) continue;
      const note = replaceGroups(rule.note, m).trim();
      if (!note) continue;
      for (const c of captured) {
        if (c.self) continue;
        if (rule.who === 'senders' && !(SENDER_HEADERS as readonly string[]).includes(c.header)) continue;
        obs.push({ type: 'note', account: c.id, text: note, key: `email-autonote:${c.address}:${note}`, provenance: prov });
      }
    }

    const suggestions: SuggestionSighting[] = [];
    for (const [address, name] of suggestedHere) {
      // Captured by another header of the same message after all: not a suggestion.
      if (byAddress.has(address)) continue;
      suggestions.push({ address, message: postId, source: this.sourceLabel, ...(name ? { name } : {}), ...(when ? { at: when } : {}) });
    }
    this.counts.suggested += suggestions.length;

    this.counts.messages++;
    return { observations: obs, problems, record, post: postId, suggestions };
  }
}

/**
 * Parse one message's bytes (or, for a message over the limit, only its header block) and run
 * it through the capture. Malformed MIME becomes a thrown Error with mailparser's reason.
 */
export async function parseMessage(data: Buffer, truncated: boolean): Promise<ParsedMail> {
  let input = data;
  if (truncated) {
    // Keep only the header block: the body is incomplete and must not be parsed.
    const crlf = data.indexOf('\r\n\r\n');
    const lf = data.indexOf('\n\n');
    const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : data.length;
    input = Buffer.concat([data.subarray(0, end), Buffer.from('\r\n')]);
  }
  return simpleParser(input, { skipImageLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: 4 * 1024 * 1024 });
}

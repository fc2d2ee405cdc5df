// Archive records → observations. Pure: no I/O, so every rule here is tested on plain objects.
//
// Each method takes one array element of one data file and returns its observations, or throws
// a RecordError with the reason the record cannot be used (the importer reports it with the file
// and index and carries on). Shapes follow SOURCES.md §7.1; every field is checked, nothing is
// trusted.
import type { AccountSeen, DistributionSeen, Observation, PostSeen, Provenance } from '../../model/observations.js';
import { dmGroupId, dmId, handleName, listId, listIdFromUrl, noteId, numericId, parseTwitterDate, tweetId, tweetIdFromUrl, userId } from './ids.js';

export class RecordError extends Error {
  override name = 'RecordError';
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const MAX_TEXT = 1_000_000;

function fail(why: string): never {
  throw new RecordError(why);
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new RecordError(what);
  return v;
}

export interface ArchiveOwner {
  id: string;
  handle?: string;
  name?: string;
}

export interface MapperCounts {
  tweets: number;
  retweets: number;
  retweetsWithoutOriginal: number;
  replies: number;
  quotes: number;
  mentions: number;
  links: number;
  notesMatched: number;
  likes: number;
  dms: number;
  groupDms: number;
  follows: number;
  blocks: number;
  mutes: number;
  lists: number;
}

export function emptyCounts(): MapperCounts {
  return { tweets: 0, retweets: 0, retweetsWithoutOriginal: 0, replies: 0, quotes: 0, mentions: 0, links: 0, notesMatched: 0, likes: 0, dms: 0, groupDms: 0, follows: 0, blocks: 0, mutes: 0, lists: 0 };
}

interface PendingNote {
  id: string;
  text: string;
  when?: string;
  raw: unknown;
  used: boolean;
}

/**
 * Maps one archive's records. Holds the little state an archive needs across files: the owner and
 * the long-post texts (note-tweet.js) waiting for their tweets. Nothing else is remembered from
 * record to record: the ids that follower/following/block/mute rows and DMs carry alone are named
 * by the store, where every mention already put its handle and name on the same account.
 */
export class ArchiveMapper {
  owner: ArchiveOwner | undefined;
  readonly counts = emptyCounts();
  private readonly notesByTweet = new Map<string, PendingNote>();
  private readonly notesBySecond = new Map<number, PendingNote[]>();
  private readonly notes: PendingNote[] = [];

  constructor(private readonly source = 'x-archive') {}

  setOwner(owner: ArchiveOwner): void {
    this.owner = owner;
  }

  private ownerId(): string {
    return need(this.owner, 'the archive owner is unknown (no manifest.js userInfo and no account.js)').id;
  }

  prov(file: string, record: string): Provenance {
    return { source: this.source, file, record };
  }

  // --- account.js, profile.js, screen-name-change.js -------------------------------------------

  account(rec: unknown, prov: Provenance): Observation[] {
    const a = isObj(rec) && isObj(rec.account) ? rec.account : fail('not an {"account": {...}} record');
    const id = need(numericId(a.accountId), 'account has no numeric accountId');
    const handle = str(a.username);
    const name = str(a.accountDisplayName);
    if (!this.owner || this.owner.id === id) this.owner = { id, handle: handle ?? this.owner?.handle, name: name ?? this.owner?.name };
    const names: AccountSeen['names'] = [];
    if (handle) names.push({ name: handleName(handle), kind: 'handle' });
    if (name) names.push({ name, kind: 'display' });
    const profile: Obj = {};
    for (const k of ['createdAt', 'createdVia'] as const) if (str(a[k])) profile[k] = a[k];
    const out: Observation[] = [{ type: 'account', externalId: userId(id), names, profile, provenance: prov }];
    const accounts = [userId(id)];
    const email = str(a.email)?.trim().toLowerCase();
    if (email && /^[^\s@]+@[^\s@]+$/.test(email) && email.length < 300) {
      out.push({ type: 'account', externalId: `email+addr:${email}`, names: [{ name: email, kind: 'email' }], provenance: prov });
      accounts.push(`email+addr:${email}`);
    }
    out.push({ type: 'identity', accounts, self: true, provenance: prov });
    return out;
  }

  profile(rec: unknown, prov: Provenance): Observation[] {
    const p = isObj(rec) && isObj(rec.profile) ? rec.profile : fail('not a {"profile": {...}} record');
    const d = isObj(p.description) ? p.description : {};
    const profile: Obj = {};
    for (const k of ['bio', 'website', 'location'] as const) if (str(d[k])) profile[k] = d[k];
    for (const k of ['avatarMediaUrl', 'headerMediaUrl'] as const) if (str(p[k])) profile[k] = p[k];
    return [{ type: 'account', externalId: userId(this.ownerId()), profile, provenance: prov }];
  }

  screenNameChange(rec: unknown, prov: Provenance): Observation[] {
    const r = isObj(rec) && isObj(rec.screenNameChange) ? rec.screenNameChange : fail('not a {"screenNameChange": {...}} record');
    const id = numericId(r.accountId) ?? this.ownerId();
    const c = isObj(r.screenNameChange) ? r.screenNameChange : fail('no screenNameChange details');
    const at = parseTwitterDate(c.changedAt);
    const out: Observation[] = [];
    for (const n of [str(c.changedFrom), str(c.changedTo)]) if (n) out.push({ type: 'account', externalId: userId(id), names: [{ name: handleName(n), kind: 'handle' }], seenAt: at, provenance: prov });
    return out;
  }

  // --- note-tweet.js: long posts, matched to their tweets --------------------------------------

  /** Remember a long post; its tweet (same id, or same second and a matching start) gets its text. */
  noteTweet(rec: unknown): void {
    if (!isObj(rec)) throw new RecordError('not an object');
    const n = isObj(rec.noteTweet) ? rec.noteTweet : rec;
    const core = isObj(n.core) ? n.core : undefined;
    const results = isObj(n.noteTweetResults) ? n.noteTweetResults : undefined;
    const text = str(core?.text) ?? str(results?.text) ?? str(isObj(results?.result) ? (results.result as Obj).text : undefined);
    if (!text) throw new RecordError('note tweet has no text');
    const id = numericId(n.noteTweetId) ?? numericId(n.tweetId) ?? numericId(n.id);
    if (!id) throw new RecordError('note tweet has no id');
    const note: PendingNote = { id, text: text.slice(0, MAX_TEXT), when: parseTwitterDate(n.createdAt), raw: rec, used: false };
    this.notes.push(note);
    const tid = numericId(n.tweetId);
    if (tid) this.notesByTweet.set(tid, note);
    if (note.when) {
      const sec = Math.floor(Date.parse(note.when) / 1000);
      const list = this.notesBySecond.get(sec) ?? [];
      list.push(note);
      this.notesBySecond.set(sec, list);
    }
  }

  private longText(id: string, text: string, when: string | undefined): string | undefined {
    let note = this.notesByTweet.get(id);
    if (!note && when) {
      const stem = text.replace(/\s*https:\/\/t\.co\/\w+\s*$/, '').replace(/…$/, '').slice(0, 60);
      const sec = Math.floor(Date.parse(when) / 1000);
      note = this.notesBySecond.get(sec)?.find((n) => !n.used && n.text.startsWith(stem));
    }
    if (!note) return undefined;
    note.used = true;
    this.counts.notesMatched++;
    return note.text;
  }

  /** Long posts no tweet claimed: stored under their note id so their text is not lost. */
  unmatchedNotes(file: string): Observation[] {
    const out: Observation[] = [];
    for (const n of this.notes) {
      if (n.used) continue;
      out.push({ type: 'post', externalId: noteId(n.id), poster: userId(this.ownerId()), text: n.text, when: n.when, distribution: [{ rel: 'broadcast' }], raw: n.raw, provenance: this.prov(file, `note ${n.id}`) });
    }
    return out;
  }

  // --- tweets.js -----------------------------------------------------------------------------

  tweet(rec: unknown, prov: Provenance): Observation[] {
    if (!isObj(rec)) throw new RecordError('not an object');
    const t = isObj(rec.tweet) ? rec.tweet : rec;
    const out: Observation[] = [];
    this.tweetInto(t, out, prov, 0);
    return out;
  }

  private tweetInto(t: Obj, out: Observation[], prov: Provenance, depth: number): string {
    const id = need(numericId(t.id_str) ?? numericId(t.id), 'tweet has no numeric id_str');
    const when = parseTwitterDate(t.created_at);
    const user = isObj(t.user) ? t.user : undefined;
    const posterId = numericId(user?.id_str) ?? (depth === 0 ? this.ownerId() : undefined);
    if (!posterId) throw new RecordError(`tweet ${id} has no author`);
    if (user) this.userInto(user, out, prov, when);
    let text = (str(t.full_text) ?? str(t.text) ?? '').slice(0, MAX_TEXT);
    const entities = isObj(t.entities) ? t.entities : {};
    const mentions = arr(entities.user_mentions).filter(isObj);
    const urls = arr(entities.urls).filter(isObj);
    if (depth === 0) this.counts.tweets++;

    // Retweets: the original post and a share interaction by the retweeter.
    const rt = isObj(t.retweeted_status) ? t.retweeted_status : undefined;
    const looksRt = text.startsWith('RT @');
    if (rt && depth < 2) {
      const orig = this.tweetInto(rt, out, prov, depth + 1);
      out.push({ type: 'interaction', account: userId(posterId), post: tweetId(orig), kind: 'share', when, provenance: prov });
      this.counts.retweets++;
      return id;
    }
    const media = [...arr(entities.media), ...arr(isObj(t.extended_entities) ? t.extended_entities.media : undefined)].filter(isObj);
    if (looksRt) {
      const first = mentions[0];
      const authorId = numericId(first?.id_str);
      const fromMedia = media.map((m) => ({ tweet: numericId(m.source_status_id_str), user: numericId(m.source_user_id_str) })).find((m) => m.tweet);
      this.mentionsInto(mentions.slice(0, 1), out, prov, when);
      if (fromMedia?.tweet) {
        // The archive keeps only "RT @x: …"; the original is known by id (from its media) and
        // becomes a stub that the stub backfill fills in later.
        out.push({ type: 'post', externalId: tweetId(fromMedia.tweet), provenance: prov });
        out.push({ type: 'interaction', account: userId(posterId), post: tweetId(fromMedia.tweet), kind: 'share', when, provenance: prov });
        this.counts.retweets++;
        return id;
      }
      // No id for the original anywhere in the record: keep the retweet itself as the
      // owner's post (its text is the only copy), addressed to the original author.
      this.counts.retweetsWithoutOriginal++;
      const post: PostSeen = { type: 'post', externalId: tweetId(id), poster: userId(posterId), text, when, url: this.statusUrl(posterId, id), distribution: [{ rel: 'broadcast' }], raw: t, provenance: prov };
      if (authorId) post.distribution!.push({ rel: 'to', target: userId(authorId) });
      out.push(post);
      return id;
    }

    const long = depth === 0 ? this.longText(id, text, when) : undefined;
    if (long) text = long;

    const refs: PostSeen['refs'] = [];
    const parent = numericId(t.in_reply_to_status_id_str) ?? numericId(t.in_reply_to_status_id);
    if (parent) {
      refs.push({ rel: 'reply-to', post: tweetId(parent) });
      if (depth === 0) this.counts.replies++;
    }
    const parentUser = numericId(t.in_reply_to_user_id_str);
    const parentHandle = str(t.in_reply_to_screen_name);
    if (parentUser && parentHandle && !mentions.some((m) => numericId(m.id_str) === parentUser)) {
      out.push({ type: 'account', externalId: userId(parentUser), names: [{ name: handleName(parentHandle), kind: 'handle' }], seenAt: when, provenance: prov });
    }
    const quoted = new Set<string>();
    const qs = isObj(t.quoted_status) ? t.quoted_status : undefined;
    if (qs && depth < 2) quoted.add(this.tweetInto(qs, out, prov, depth + 1));
    const qid = numericId(t.quoted_status_id_str);
    if (qid) quoted.add(qid);
    const links: string[] = [];
    for (const u of urls) {
      const url = str(u.expanded_url) ?? str(u.url);
      if (!url || url.length > 2048) continue;
      links.push(url);
      // A status link in a tweet is how X shows a quote.
      const sid = tweetIdFromUrl(url);
      if (sid && sid !== id) quoted.add(sid);
    }
    for (const q of quoted) refs.push({ rel: 'quotes', post: tweetId(q) });
    if (quoted.size && depth === 0) this.counts.quotes++;
    const distribution: DistributionSeen[] = [{ rel: 'broadcast' }];
    for (const m of this.mentionsInto(mentions, out, prov, when)) distribution.push({ rel: 'to', target: userId(m) });
    if (depth === 0) this.counts.links += links.length;
    out.push({
      type: 'post',
      externalId: tweetId(id),
      poster: userId(posterId),
      text,
      when,
      url: this.statusUrl(posterId, id, user ? str(user.screen_name) : undefined),
      refs,
      distribution,
      links,
      raw: t,
      provenance: prov,
    });
    return id;
  }

  private statusUrl(poster: string, id: string, handle?: string): string {
    const h = handle ?? (this.owner && poster === this.owner.id ? this.owner.handle : undefined);
    return h ? `https://x.com/${h}/status/${id}` : `https://x.com/i/web/status/${id}`;
  }

  private userInto(u: Obj, out: Observation[], prov: Provenance, when: string | undefined): void {
    const id = numericId(u.id_str);
    if (!id) return;
    const names: AccountSeen['names'] = [];
    const handle = str(u.screen_name);
    const name = str(u.name);
    if (handle) names.push({ name: handleName(handle), kind: 'handle' });
    if (name) names.push({ name, kind: 'display' });
    out.push({ type: 'account', externalId: userId(id), names, seenAt: when, provenance: prov });
  }

  /** Accounts for @-mentions (with their handle and name); returns the mentioned ids, once each. */
  private mentionsInto(mentions: Obj[], out: Observation[], prov: Provenance, when: string | undefined): string[] {
    const ids: string[] = [];
    for (const m of mentions) {
      const id = numericId(m.id_str) ?? numericId(m.id);
      if (!id || ids.includes(id)) continue;
      ids.push(id);
      const handle = str(m.screen_name);
      const name = str(m.name);
      const names: AccountSeen['names'] = [];
      if (handle) names.push({ name: handleName(handle), kind: 'handle' });
      if (name) names.push({ name, kind: 'display' });
      out.push({ type: 'account', externalId: userId(id), names, seenAt: when, provenance: prov });
      this.counts.mentions++;
    }
    return ids;
  }

  // --- like.js -------------------------------------------------------------------------------

  like(rec: unknown, prov: Provenance): Observation[] {
    const l = isObj(rec) && isObj(rec.like) ? rec.like : fail('not a {"like": {...}} record');
    const id = need(numericId(l.tweetId), 'like has no numeric tweetId');
    const when = parseTwitterDate(l.likedAt);
    this.counts.likes++;
    const text = str(l.fullText)?.slice(0, MAX_TEXT);
    const url = str(l.expandedUrl);
    // The liked tweet's author is not in the archive: the post stays a stub (with what we know)
    // until the stub backfill or a later source fills it in.
    const post: PostSeen = { type: 'post', externalId: tweetId(id), provenance: prov };
    if (text !== undefined) post.text = text;
    if (url && url.length < 2048) post.url = url;
    return [post, { type: 'interaction', account: userId(this.ownerId()), post: tweetId(id), kind: 'like', when, provenance: prov }];
  }

  // --- follower.js, following.js, block.js, mute.js ------------------------------------------

  edge(rec: unknown, kind: 'follower' | 'following' | 'blocking' | 'muting', prov: Provenance): Observation[] {
    const r = isObj(rec) && isObj(rec[kind]) ? rec[kind] : fail(`not a {"${kind}": {...}} record`);
    const other = need(numericId(r.accountId), `${kind} row has no numeric accountId`);
    const me = this.ownerId();
    // Only the edge: the account it names is the one every mention of that id already named.
    const out: Observation[] = [];
    if (kind === 'follower') out.push({ type: 'relationship', from: userId(other), to: userId(me), kind: 'follows', provenance: prov });
    else if (kind === 'following') out.push({ type: 'relationship', from: userId(me), to: userId(other), kind: 'follows', provenance: prov });
    else out.push({ type: 'relationship', from: userId(me), to: userId(other), kind: kind === 'blocking' ? 'blocks' : 'mutes', provenance: prov });
    if (kind === 'follower' || kind === 'following') this.counts.follows++;
    else if (kind === 'blocking') this.counts.blocks++;
    else this.counts.mutes++;
    return out;
  }

  // --- direct-messages.js, direct-messages-group.js ------------------------------------------

  dmConversation(rec: unknown, group: boolean, prov: Provenance): Observation[] {
    const c = isObj(rec) && isObj(rec.dmConversation) ? rec.dmConversation : fail('not a {"dmConversation": {...}} record');
    const cid = need(str(c.conversationId), 'conversation has no conversationId');
    const messages = arr(c.messages).filter(isObj);
    const out: Observation[] = [];
    const participants = new Set<string>();
    let groupName = str(c.name);
    const groupExt = group ? dmGroupId(cid.replace(/[\u0000-\u001f]/g, '').slice(0, 200)) : undefined;
    if (group) {
      for (const m of messages) {
        for (const [k, v] of Object.entries(m)) {
          if (!isObj(v)) continue;
          const sender = numericId(v.senderId) ?? numericId(v.initiatingUserId);
          if (sender) participants.add(sender);
          for (const u of [...arr(v.participantsSnapshot), ...arr(v.userIds)]) {
            const id = numericId(u);
            if (id) participants.add(id);
          }
          if (k === 'conversationNameUpdate' && !groupName) groupName = str(v.name);
        }
      }
      out.push({ type: 'list', externalId: groupExt!, name: groupName, members: [...participants].map(userId), provenance: prov });
    }
    for (const m of messages) {
      const mc = isObj(m.messageCreate) ? m.messageCreate : undefined;
      if (!mc) continue;
      const id = numericId(mc.id);
      const sender = numericId(mc.senderId);
      if (!id || !sender) continue; // one broken message does not lose the conversation
      const mprov = { ...prov, record: `${prov.record} message ${id}` };
      const when = parseTwitterDate(mc.createdAt);
      const distribution: DistributionSeen[] = [];
      const recipient = numericId(mc.recipientId);
      if (group) distribution.push({ rel: 'channel', target: groupExt! });
      else if (recipient) distribution.push({ rel: 'to', target: userId(recipient) });
      const links = arr(mc.urls)
        .filter(isObj)
        .map((u) => str(u.expanded) ?? str(u.url))
        .filter((u): u is string => !!u && u.length < 2048);
      out.push({ type: 'post', externalId: dmId(id), poster: userId(sender), text: (str(mc.text) ?? '').slice(0, MAX_TEXT), when, distribution, links, raw: m, provenance: mprov });
      for (const r of arr(mc.reactions).filter(isObj)) {
        const who = numericId(r.senderId);
        if (who) out.push({ type: 'interaction', account: userId(who), post: dmId(id), kind: 'like', when: parseTwitterDate(r.createdAt), provenance: mprov });
      }
      if (group) this.counts.groupDms++;
      else this.counts.dms++;
    }
    return out;
  }

  // --- lists-created.js, lists-member.js, lists-subscribed.js --------------------------------

  list(rec: unknown, kind: 'created' | 'member' | 'subscribed', prov: Provenance): Observation[] {
    const info = isObj(rec) && isObj(rec.userListInfo) ? rec.userListInfo : fail('not a {"userListInfo": {...}} record');
    const url = need(str(info.url), 'list has no url');
    const l = need(listIdFromUrl(url), `not a list URL: ${url.slice(0, 100)}`);
    this.counts.lists++;
    const me = userId(this.ownerId());
    return [{ type: 'list', externalId: listId(l.id), name: l.name, owner: kind === 'created' ? me : undefined, members: kind === 'member' ? [me] : undefined, provenance: prov }];
  }
}

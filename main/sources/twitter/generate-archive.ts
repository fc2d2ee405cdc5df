// Synthetic X archives of any size, in the real layout and shapes (SOURCES.md §7.1), for tests
// and the import-x-archive benchmark. Deterministic for a seed. Written as a stream, a block of
// tweets at a time, so a million-tweet archive never sits in memory.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { zipFolder } from './zip-writer.js';
import { rng } from '../../util/rng.js';

export interface GenerateOptions {
  tweets: number;
  seed?: number;
  /** Tweets per tweets.js part (X splits large archives into tweets-part1.js ...). */
  tweetsPerPart?: number;
  /** How many other users appear (mentions, followers, DMs). Default: tweets / 4, at least 40. */
  users?: number;
  likes?: number;
  followers?: number;
  following?: number;
  dmConversations?: number;
  dmMessagesPerConversation?: number;
  noteTweets?: number;
  /** Write `tweet.js` / `YTD.tweet` (older archives) instead of `tweets.js`. */
  oldTweetFile?: boolean;
}

export interface GeneratedArchive {
  dir: string;
  ownerId: string;
  ownerHandle: string;
  /** What was written, for tests to check the import against. */
  expect: {
    tweets: number;
    retweets: number;
    retweetsWithOriginal: number;
    replies: number;
    likes: number;
    followers: number;
    following: number;
    followersMentioned: number;
    dms: number;
    groupDms: number;
    noteTweets: number;
    users: number;
  };
}

const WORDS = 'the a of to and in is it you that was for on are with as I his they be at one have this from or had by hot word but what some we can out other were all there when up use your how said an each she which do their time if will way about many then them write would like so these her long make thing see him two has look more day could go come did number sound no most people my over know water than call first who may down side been now find any new work part take get place made live where after back little only round man year came show every good me give our under name very through just form sentence great think say help low line differ turn cause much mean before move right boy old too same tell does set three want air well also play small end put home read hand port large spell add even land here must big high such follow act why ask men change went light kind off need house picture try us again animal point mother world near build self earth father café naïve Zürich déjà skrode'.split(' ');
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Dennis', 'Frances', 'John', 'Radia', 'Niklaus', 'Leslie', 'Hedy', 'Zoë', 'José', 'Åsa'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Ritchie', 'Allen', 'McCarthy', 'Perlman', 'Wirth', 'Lamport', 'Lamarr', 'Núñez', 'Øster'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** v1.1 `created_at`: `Tue Jan 31 09:01:52 +0000 2017`. */
export function twitterDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

class Out {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Write a `window.YTD.<global> = [ ... ]` file from items, streaming. Returns the count. */
function ytdFile(path: string, global: string, items: Iterable<unknown>): number {
  const out = new Out(path);
  out.write(`window.YTD.${global} = [ `);
  let n = 0;
  for (const it of items) {
    out.write(n++ ? ', ' : '');
    out.write(JSON.stringify(it, null, n < 3 ? 2 : undefined));
  }
  out.write(' ]');
  out.close();
  return n;
}

export function generateArchive(dir: string, o: GenerateOptions): GeneratedArchive {
  const r = rng(o.seed ?? 42);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const ownerId = '3128746474';
  const ownerHandle = 'skrode_owner';
  const nUsers = o.users ?? Math.max(40, Math.floor(o.tweets / 4));
  const user = (i: number) => ({ id: String(1_000_000 + i * 7), handle: `user_${i}`, name: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}` });
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const start = Date.UTC(2015, 0, 1);
  const tweetIdAt = (i: number) => String(500_000_000_000_000_000n + BigInt(i) * 1000n);
  const expect = { tweets: o.tweets, retweets: 0, retweetsWithOriginal: 0, replies: 0, likes: 0, followers: 0, following: 0, followersMentioned: 0, dms: 0, groupDms: 0, noteTweets: 0, users: nUsers };
  const mentioned = new Set<number>();
  const files: Record<string, { fileName: string; globalName: string; count: number }[]> = {};
  const reg = (type: string, fileName: string, globalName: string, count: number) => (files[type] ??= []).push({ fileName: `data/${fileName}`, globalName: `YTD.${globalName}`, count });

  reg('account', 'account.js', 'account.part0', ytdFile(join(data, 'account.js'), 'account.part0', [{ account: { email: 'owner@example.org', createdVia: 'web', username: ownerHandle, accountId: ownerId, createdAt: '2012-03-04T05:06:07.000Z', accountDisplayName: 'Skrode Owner' } }]));
  reg('profile', 'profile.js', 'profile.part0', ytdFile(join(data, 'profile.js'), 'profile.part0', [{ profile: { description: { bio: 'I remember people.', website: 'https://t.co/abc', location: 'Earth' }, avatarMediaUrl: 'https://pbs.twimg.com/profile_images/1/a.jpg' } }]));
  reg('screenNameChange', 'screen-name-change.js', 'screen_name_change.part0', ytdFile(join(data, 'screen-name-change.js'), 'screen_name_change.part0', [{ screenNameChange: { accountId: ownerId, screenNameChange: { changedAt: '2014-05-06T07:08:09.000Z', changedFrom: 'old_owner', changedTo: ownerHandle } } }]));

  // Long posts: the tweets at these indices are truncated and their full text is in note-tweet.js.
  const nNotes = o.noteTweets ?? Math.min(20, Math.floor(o.tweets / 50));
  const noteAt = new Map<number, string>();
  for (let k = 0; k < nNotes; k++) noteAt.set(Math.floor((k * o.tweets) / Math.max(1, nNotes)) + 1, `This is a long post number ${k}: ${words(80)}`);
  const tweetMs = (i: number) => start + i * 60_000;

  // Tweets, in parts.
  const perPart = o.tweetsPerPart ?? 250_000;
  const base = o.oldTweetFile ? 'tweet' : 'tweets';
  for (let part = 0, first = 0; first < o.tweets || part === 0; part++, first += perPart) {
    const last = Math.min(o.tweets, first + perPart);
    const fileName = part === 0 ? `${base}.js` : `${base}-part${part}.js`;
    const global = `${base}.part${part}`;
    const items = function* () {
      for (let i = first; i < last; i++) {
        const id = tweetIdAt(i);
        const kind = r();
        const mentions: { name: string; screen_name: string; indices: string[]; id_str: string; id: string }[] = [];
        const urls: { url: string; expanded_url: string; display_url: string; indices: string[] }[] = [];
        const t: Record<string, unknown> = {
          edit_info: { initial: { editTweetIds: [id], editableUntil: '2020-01-01T00:00:00.000Z', editsRemaining: '5', isEditEligible: false } },
          retweeted: false,
          source: '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
          entities: { hashtags: [], symbols: [], user_mentions: mentions, urls },
          display_text_range: ['0', '140'],
          favorite_count: String(Math.floor(r() * 20)),
          id_str: id,
          truncated: false,
          retweet_count: String(Math.floor(r() * 5)),
          id,
          created_at: twitterDate(tweetMs(i)),
          favorited: false,
          lang: 'en',
        };
        let text: string;
        if (kind < 0.1 && !noteAt.has(i)) {
          // A retweet: "RT @x: …", the original known by id only when it carried media.
          const u = Math.floor(r() * nUsers);
          const a = user(u);
          mentioned.add(u);
          mentions.push({ name: a.name, screen_name: a.handle, indices: ['3', String(4 + a.handle.length)], id_str: a.id, id: a.id });
          text = `RT @${a.handle}: ${words(12)}`;
          expect.retweets++;
          if (r() < 0.5) {
            const src = String(400_000_000_000_000_000n + BigInt(i));
            t.extended_entities = { media: [{ id_str: '1', media_url_https: 'https://pbs.twimg.com/media/x.jpg', source_status_id_str: src, source_user_id_str: a.id, type: 'photo' }] };
            expect.retweetsWithOriginal++;
          }
        } else {
          const nm = Math.floor(r() * 3);
          const parts: string[] = [];
          for (let k = 0; k < nm; k++) {
            const u = Math.floor(r() * nUsers);
            const a = user(u);
            mentioned.add(u);
            mentions.push({ name: a.name, screen_name: a.handle, indices: ['0', String(a.handle.length + 1)], id_str: a.id, id: a.id });
            parts.push(`@${a.handle}`);
          }
          parts.push(words(8 + Math.floor(r() * 20)));
          if (r() < 0.3) {
            const link = `https://example.org/${pick(WORDS)}/${i}`;
            urls.push({ url: `https://t.co/${i.toString(36)}`, expanded_url: link, display_url: link.slice(8, 30), indices: ['0', '23'] });
            parts.push(`https://t.co/${i.toString(36)}`);
          }
          if (kind > 0.95 && i > 0) {
            const q = tweetIdAt(Math.floor(r() * i));
            urls.push({ url: `https://t.co/q${i.toString(36)}`, expanded_url: `https://twitter.com/someone/status/${q}`, display_url: 'twitter.com/someone/status…', indices: ['0', '23'] });
          }
          if (kind < 0.3 && mentions.length) {
            const m = mentions[0]!;
            t.in_reply_to_status_id_str = i > 0 && r() < 0.5 ? tweetIdAt(Math.floor(r() * i)) : String(300_000_000_000_000_000n + BigInt(i));
            t.in_reply_to_status_id = t.in_reply_to_status_id_str;
            t.in_reply_to_user_id_str = m.id_str;
            t.in_reply_to_user_id = m.id_str;
            t.in_reply_to_screen_name = m.screen_name;
            expect.replies++;
          }
          text = parts.join(' ');
          const note = noteAt.get(i);
          if (note) text = `${note.slice(0, 270)}… https://t.co/n${i}`;
        }
        t.full_text = text;
        yield { tweet: t };
      }
    };
    reg(base, fileName, global, ytdFile(join(data, fileName), global, items()));
  }

  const notes = function* () {
    let k = 0;
    for (const [i, text] of noteAt) {
      yield { noteTweet: { noteTweetId: String(900_000_000_000n + BigInt(k++)), updatedAt: new Date(tweetMs(i)).toISOString(), lifecycle: { value: 'live', name: 'Live', originalValue: '2' }, core: { styletags: [], urls: [], text, mentions: [], cashtags: [], hashtags: [] }, createdAt: new Date(tweetMs(i)).toISOString() } };
    }
  };
  expect.noteTweets = noteAt.size;
  if (noteAt.size) reg('noteTweet', 'note-tweet.js', 'note_tweet.part0', ytdFile(join(data, 'note-tweet.js'), 'note_tweet.part0', notes()));

  const nLikes = o.likes ?? Math.floor(o.tweets / 2);
  expect.likes = nLikes;
  reg('like', 'like.js', 'like.part0', ytdFile(join(data, 'like.js'), 'like.part0', (function* () {
    for (let k = 0; k < nLikes; k++) {
      const id = String(200_000_000_000_000_000n + BigInt(k));
      yield { like: { tweetId: id, fullText: words(15), expandedUrl: `https://twitter.com/i/web/status/${id}` } };
    }
  })()));

  // Followers and following: mostly users seen in mentions (resolvable), some never mentioned.
  const edgeRows = (n: number, key: 'follower' | 'following', offset: number) =>
    (function* () {
      for (let k = 0; k < n; k++) {
        const u = (k * 3 + offset) % (nUsers + Math.floor(nUsers / 5));
        const id = u < nUsers ? user(u).id : String(9_000_000_000 + u);
        if (key === 'follower' && u < nUsers && mentioned.has(u)) expect.followersMentioned++;
        yield { [key]: { accountId: id, userLink: `https://twitter.com/intent/user?user_id=${id}` } };
      }
    })();
  const nFollowers = o.followers ?? Math.min(nUsers, Math.max(20, Math.floor(o.tweets / 10)));
  const nFollowing = o.following ?? Math.min(nUsers, Math.max(10, Math.floor(o.tweets / 20)));
  expect.followers = nFollowers;
  expect.following = nFollowing;
  reg('follower', 'follower.js', 'follower.part0', ytdFile(join(data, 'follower.js'), 'follower.part0', edgeRows(nFollowers, 'follower', 0)));
  reg('following', 'following.js', 'following.part0', ytdFile(join(data, 'following.js'), 'following.part0', edgeRows(nFollowing, 'following', 1)));
  reg('block', 'block.js', 'block.part0', ytdFile(join(data, 'block.js'), 'block.part0', [{ blocking: { accountId: '666', userLink: 'https://twitter.com/intent/user?user_id=666' } }]));
  reg('mute', 'mute.js', 'mute.part0', ytdFile(join(data, 'mute.js'), 'mute.part0', [{ muting: { accountId: '777', userLink: 'https://twitter.com/intent/user?user_id=777' } }]));
  reg('listsMember', 'lists-member.js', 'lists_member.part0', ytdFile(join(data, 'lists-member.js'), 'lists_member.part0', [{ userListInfo: { url: 'https://twitter.com/retroprom/lists/dec-retro-21453' } }]));
  reg('listsCreated', 'lists-created.js', 'lists_created.part0', ytdFile(join(data, 'lists-created.js'), 'lists_created.part0', [{ userListInfo: { url: 'https://twitter.com/i/lists/1234567' } }]));

  // DMs, newest first as in real archives.
  const nConv = o.dmConversations ?? Math.max(2, Math.floor(o.tweets / 200));
  const perConv = o.dmMessagesPerConversation ?? 5;
  let dmSeq = 0;
  reg('directMessages', 'direct-messages.js', 'direct_messages.part0', ytdFile(join(data, 'direct-messages.js'), 'direct_messages.part0', (function* () {
    for (let c = 0; c < nConv; c++) {
      const other = user(c % nUsers);
      const messages = [];
      for (let k = perConv - 1; k >= 0; k--) {
        const mine = k % 2 === 0;
        const id = String(700_000_000_000_000_000n + BigInt(dmSeq++));
        messages.push({ messageCreate: { recipientId: mine ? other.id : ownerId, reactions: k === 0 ? [{ senderId: other.id, reactionKey: 'like', eventId: '1', createdAt: new Date(start + k * 1000).toISOString() }] : [], urls: k === 1 ? [{ url: 'https://t.co/dm', expanded: 'https://example.org/dm', display: 'example.org/dm' }] : [], text: words(10), mediaUrls: [], senderId: mine ? ownerId : other.id, id, createdAt: new Date(start + c * 86_400_000 + k * 1000).toISOString() } });
        expect.dms++;
      }
      yield { dmConversation: { conversationId: [ownerId, other.id].sort().join('-'), messages } };
    }
  })()));
  reg('directMessagesGroup', 'direct-messages-group.js', 'direct_messages_group.part0', ytdFile(join(data, 'direct-messages-group.js'), 'direct_messages_group.part0', (function* () {
    const a = user(1);
    const b = user(2);
    const messages = [
      { messageCreate: { reactions: [], urls: [], text: 'hello group', mediaUrls: [], senderId: a.id, id: '800000000000000001', createdAt: '2020-01-02T00:00:02.000Z' } },
      { conversationNameUpdate: { initiatingUserId: ownerId, name: 'Skrode friends', createdAt: '2020-01-02T00:00:01.000Z' } },
      { joinConversation: { initiatingUserId: ownerId, participantsSnapshot: [ownerId, a.id, b.id], createdAt: '2020-01-02T00:00:00.000Z' } },
    ];
    expect.groupDms = 1;
    yield { dmConversation: { conversationId: '1500000000000000001', messages } };
  })()));

  const manifest = {
    userInfo: { accountId: ownerId, userName: ownerHandle, displayName: 'Skrode Owner' },
    archiveInfo: { sizeBytes: '0', generationDate: '2026-01-01T00:00:00.000Z', isPartialArchive: false, maxPartSizeBytes: '53687091200' },
    readmeInfo: { fileName: 'data/README.txt', directory: 'data/', name: 'README.txt' },
    dataTypes: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, { files: v.map((f) => ({ ...f, count: String(f.count) })) }])),
  };
  const m = new Out(join(data, 'manifest.js'));
  m.write(`window.__THAR_CONFIG = ${JSON.stringify(manifest, null, 2)}`);
  m.close();
  return { dir, ownerId, ownerHandle, expect };
}

/** Generate an archive folder and zip it (`<dir>.zip`); returns the zip path with the expectations. */
export async function generateArchiveZip(dir: string, zipPath: string, o: GenerateOptions): Promise<GeneratedArchive & { zip: string }> {
  const g = generateArchive(dir, o);
  await zipFolder(dir, zipPath);
  return { ...g, zip: zipPath };
}

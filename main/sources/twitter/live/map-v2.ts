// X API v2 objects (tweets and users with their `includes`) → observations. Pure, like the
// archive mapper; the workers decide what to fetch and where unknown ids go.
//
// As the original's ingest_tweet did: a retweet stores the original post and (unlike the
// original) a share interaction by the retweeter; a reply records reply-to and its parent id is
// handed back to be fetched; a quote records quotes; mentions become accounts with their handles
// and `to` distribution; links are recorded.
import type { AccountSeen, DistributionSeen, Observation, PostSeen, Provenance } from '../../../model/observations.js';
import { handleName, numericId, parseTwitterDate, tweetId, userId } from '../ids.js';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

export interface V2Includes {
  users?: unknown[];
  tweets?: unknown[];
}

export interface V2Mapped {
  observations: Observation[];
  /** Tweets referenced but not included (fetch them by id). */
  tweetIds: Set<string>;
  /** Users mentioned or referenced but not included (fetch them by id). */
  userIds: Set<string>;
  /** Tweets mapped, by id (top level and included). */
  mapped: Set<string>;
}

/** An account observation from a v2 user object. */
export function userObservation(u: unknown, prov: Provenance, seenAt?: string): AccountSeen | undefined {
  if (!isObj(u)) return undefined;
  const id = numericId(u.id);
  if (!id) return undefined;
  const names: AccountSeen['names'] = [];
  const username = str(u.username);
  const name = str(u.name);
  if (username) names.push({ name: handleName(username), kind: 'handle' });
  if (name) names.push({ name, kind: 'display' });
  const profile: Obj = {};
  for (const k of ['description', 'location', 'url', 'created_at', 'profile_image_url'] as const) if (str(u[k])) profile[k] = u[k];
  for (const k of ['protected', 'verified'] as const) if (typeof u[k] === 'boolean') profile[k] = u[k];
  const out: AccountSeen = { type: 'account', externalId: userId(id), names, provenance: prov };
  if (Object.keys(profile).length) out.profile = profile;
  if (seenAt) out.seenAt = seenAt;
  return out;
}

/** Map a page (or one lookup) of v2 tweets with its includes. */
export function mapV2Tweets(data: unknown[], includes: V2Includes | undefined, provFor: (id: string) => Provenance, seenAt?: string): V2Mapped {
  const users = new Map<string, Obj>();
  for (const u of arr(includes?.users)) if (isObj(u) && numericId(u.id)) users.set(u.id as string, u);
  const tweets = new Map<string, Obj>();
  for (const t of arr(includes?.tweets)) if (isObj(t) && numericId(t.id)) tweets.set(t.id as string, t);
  const res: V2Mapped = { observations: [], tweetIds: new Set(), userIds: new Set(), mapped: new Set() };
  const usersDone = new Set<string>();

  const ensureUser = (id: string, prov: Provenance) => {
    if (usersDone.has(id)) return;
    usersDone.add(id);
    const u = users.get(id);
    if (u) res.observations.push(userObservation(u, prov, seenAt)!);
    else res.userIds.add(id);
  };

  const one = (t: Obj, depth: number): string | undefined => {
    const id = numericId(t.id);
    if (!id) return undefined;
    if (res.mapped.has(id)) return id;
    res.mapped.add(id);
    const prov = provFor(id);
    const author = numericId(t.author_id);
    const when = parseTwitterDate(t.created_at);
    const refs = arr(t.referenced_tweets).filter(isObj);
    const retweeted = refs.find((r) => r.type === 'retweeted');
    if (author) ensureUser(author, prov);
    if (retweeted) {
      const orig = numericId(retweeted.id);
      if (orig && author) {
        const inc = tweets.get(orig);
        if (inc && depth < 2) one(inc, depth + 1);
        else {
          res.tweetIds.add(orig);
          res.observations.push({ type: 'post', externalId: tweetId(orig), provenance: prov });
        }
        res.observations.push({ type: 'interaction', account: userId(author), post: tweetId(orig), kind: 'share', when, provenance: prov });
        return id;
      }
    }
    if (!author) return undefined;
    const post: PostSeen = { type: 'post', externalId: tweetId(id), poster: userId(author), provenance: prov };
    const note = isObj(t.note_tweet) ? str(t.note_tweet.text) : undefined;
    post.text = note ?? str(t.text) ?? '';
    if (when) post.when = when;
    const username = str(users.get(author)?.username);
    post.url = username ? `https://x.com/${username}/status/${id}` : `https://x.com/i/web/status/${id}`;
    const postRefs: NonNullable<PostSeen['refs']> = [];
    for (const r of refs) {
      const rid = numericId(r.id);
      if (!rid) continue;
      const rel = r.type === 'replied_to' ? 'reply-to' : r.type === 'quoted' ? 'quotes' : undefined;
      if (!rel) continue;
      postRefs.push({ rel, post: tweetId(rid) });
      const inc = tweets.get(rid);
      if (inc && depth < 2) one(inc, depth + 1);
      else res.tweetIds.add(rid);
    }
    post.refs = postRefs;
    const distribution: DistributionSeen[] = [{ rel: 'broadcast' }];
    const entities = isObj(t.entities) ? t.entities : {};
    const seen = new Set<string>();
    for (const m of arr(entities.mentions).filter(isObj)) {
      const mid = numericId(m.id);
      if (!mid || seen.has(mid)) continue;
      seen.add(mid);
      distribution.push({ rel: 'to', target: userId(mid) });
      const uname = str(m.username);
      if (users.has(mid)) ensureUser(mid, prov);
      else if (uname) res.observations.push({ type: 'account', externalId: userId(mid), names: [{ name: handleName(uname), kind: 'handle' }], ...(when ? { seenAt: when } : {}), provenance: prov });
      else res.userIds.add(mid);
    }
    const replyUser = numericId(t.in_reply_to_user_id);
    if (replyUser && !seen.has(replyUser)) ensureUser(replyUser, prov);
    post.distribution = distribution;
    post.links = arr(entities.urls)
      .filter(isObj)
      .map((u) => str(u.unwound_url) ?? str(u.expanded_url) ?? str(u.url))
      .filter((u): u is string => !!u && u.length < 2048);
    post.raw = t;
    res.observations.push(post);
    return id;
  };

  for (const t of data) if (isObj(t)) one(t, 0);
  return res;
}

/** The v2 error objects of a lookup that say a tweet is gone (deleted, suspended) or hidden (protected). */
export function unavailableTweetIds(errors: unknown): { id: string; reason: string }[] {
  const out: { id: string; reason: string }[] = [];
  for (const e of arr(errors).filter(isObj)) {
    const id = numericId(e.resource_id) ?? numericId(e.value);
    if (!id) continue;
    if (e.resource_type !== undefined && e.resource_type !== 'tweet') continue;
    const type = str(e.type) ?? '';
    const title = str(e.title) ?? '';
    if (/resource-not-found|not-authorized-for-resource/.test(type) || /Not Found|Authorization/.test(title)) out.push({ id, reason: str(e.detail) ?? title });
  }
  return out;
}

export const TWEET_FIELDS = ['created_at', 'author_id', 'conversation_id', 'in_reply_to_user_id', 'referenced_tweets', 'entities', 'lang', 'note_tweet', 'public_metrics'];
export const USER_FIELDS = ['created_at', 'description', 'location', 'url', 'protected', 'verified', 'profile_image_url'];
export const EXPANSIONS = ['author_id', 'referenced_tweets.id', 'referenced_tweets.id.author_id', 'entities.mentions.username', 'in_reply_to_user_id'];

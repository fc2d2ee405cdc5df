// `!skrode/twitter`: credentials for X/Twitter, with the original's keys (python-twitter's
// consumer_key, consumer_secret, access_token_key, access_token_secret, timeout in seconds) or a
// bearer_token (app-only). A plain descriptor named as twitter-api-v2 names things; the Twitter
// source builds the client from it.
import { boolean, number, object, optional, string, url } from '../fields.js';
import { registerTag } from '../registry.js';

export interface TwitterDescriptor {
  kind: 'twitter';
  /** OAuth 1.0a user context, when the four keys are given. */
  oauth1?: { appKey: string; appSecret: string; accessToken: string; accessSecret: string };
  /** App-only bearer token (OAuth 2.0). */
  bearerToken?: string;
  timeoutMs?: number;
  /** The original's python-twitter option: wait out rate limits instead of failing. */
  sleepOnRateLimit?: boolean;
  /** Another API root (tests point this at a local fake API). */
  baseUrl?: string;
  tweetMode?: string;
}

const OAUTH_KEYS = ['consumer_key', 'consumer_secret', 'access_token_key', 'access_token_secret'] as const;

const shape = object({
  consumer_key: optional(string({ nonEmpty: true })),
  consumer_secret: optional(string({ nonEmpty: true })),
  access_token_key: optional(string({ nonEmpty: true })),
  access_token_secret: optional(string({ nonEmpty: true })),
  bearer_token: optional(string({ nonEmpty: true })),
  timeout: optional(number({ min: 0 })),
  sleep_on_rate_limit: optional(boolean()),
  tweet_mode: optional(string()),
  base_url: optional(url(['http:', 'https:'])),
});

export const twitterTag = registerTag({
  tag: 'skrode/twitter',
  kinds: ['map'],
  summary: 'consumer_key, consumer_secret, access_token_key, access_token_secret, or bearer_token; timeout',
  secrets: [...OAUTH_KEYS, 'bearer_token', 'appKey', 'appSecret', 'accessToken', 'accessSecret', 'bearerToken'],
  shape,
  source: {
    label: 'X/Twitter API credentials',
    description: 'The keys the X workers use (the timeline, users and tweets by id): a bearer token, or the four OAuth 1.0a keys.',
    suggestedKey: 'twitter',
    fields: {
      bearer_token: { label: 'Bearer token', hint: 'app-only access' },
      timeout: { label: 'Timeout (seconds)' },
      sleep_on_rate_limit: { label: 'Wait out rate limits' },
      base_url: { label: 'API root', hint: 'only for a test server' },
    },
  },
  build(v, ctx): TwitterDescriptor {
    const given = OAUTH_KEYS.filter((k) => v[k] !== undefined);
    if (given.length > 0 && given.length < OAUTH_KEYS.length) {
      const missing = OAUTH_KEYS.filter((k) => v[k] === undefined);
      throw ctx.error(`OAuth 1.0a needs all four keys; missing ${missing.join(', ')}`);
    }
    if (given.length === 0 && v.bearer_token === undefined) {
      throw ctx.error('needs either bearer_token or the four OAuth 1.0a keys (consumer_key, consumer_secret, access_token_key, access_token_secret)');
    }
    const out: TwitterDescriptor = { kind: 'twitter' };
    if (given.length === OAUTH_KEYS.length) {
      out.oauth1 = { appKey: v.consumer_key!, appSecret: v.consumer_secret!, accessToken: v.access_token_key!, accessSecret: v.access_token_secret! };
    }
    if (v.bearer_token !== undefined) out.bearerToken = v.bearer_token;
    if (v.timeout !== undefined) out.timeoutMs = Math.round(v.timeout * 1000);
    if (v.sleep_on_rate_limit !== undefined) out.sleepOnRateLimit = v.sleep_on_rate_limit;
    if (v.base_url !== undefined) out.baseUrl = v.base_url;
    if (v.tweet_mode !== undefined) out.tweetMode = v.tweet_mode;
    return out;
  },
});

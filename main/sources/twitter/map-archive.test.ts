import { describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { ArchiveMapper, RecordError } from './map-archive.js';
import { parseTwitterDate, tweetIdFromUrl, listIdFromUrl } from './ids.js';

const prov = { source: 'x-archive', file: 'data/tweets.js', record: '#0' };
const owner = () => {
  const m = new ArchiveMapper();
  m.setOwner({ id: '100', handle: 'me', name: 'Me Myself' });
  return m;
};
const of = <T extends Observation['type']>(obs: Observation[], type: T) => obs.filter((o): o is Extract<Observation, { type: T }> => o.type === type);

// A reply from the larsbrinkhoff/twitter-data sample (public reference archive), trimmed.
const reply = {
  tweet: {
    retweeted: false,
    entities: {
      hashtags: [],
      user_mentions: [{ name: 'Greg', screen_name: 'gregsapphyre', indices: ['0', '13'], id_str: '806326133981638657', id: '806326133981638657' }],
      urls: [{ url: 'https://t.co/zkJskeisBp', expanded_url: 'https://github.com/PDP-10/its/blob/master/doc/DDT.md', display_url: 'github.com/PDP-10/its/blo…', indices: ['18', '41'] }],
    },
    favorite_count: '0',
    in_reply_to_status_id_str: '813774560122249217',
    id_str: '826354801738969088',
    in_reply_to_user_id: '806326133981638657',
    retweet_count: '0',
    id: '826354801738969088',
    created_at: 'Tue Jan 31 09:01:52 +0000 2017',
    full_text: '@gregsapphyre Try https://t.co/zkJskeisBp',
    lang: 'und',
    in_reply_to_screen_name: 'gregsapphyre',
    in_reply_to_user_id_str: '806326133981638657',
  },
};

describe('ids', () => {
  it('parses v1.1 and ISO dates', () => {
    expect(parseTwitterDate('Tue Jan 31 09:01:52 +0000 2017')).toBe('2017-01-31T09:01:52.000Z');
    expect(parseTwitterDate('Tue Jan 31 09:01:52 +0200 2017')).toBe('2017-01-31T07:01:52.000Z');
    expect(parseTwitterDate('2020-01-02T03:04:05.678Z')).toBe('2020-01-02T03:04:05.678Z');
    expect(parseTwitterDate('yesterday')).toBeUndefined();
  });
  it('finds status ids in links and list ids in list URLs', () => {
    expect(tweetIdFromUrl('https://twitter.com/ada/status/123?s=20')).toBe('123');
    expect(tweetIdFromUrl('https://x.com/i/web/status/456')).toBe('456');
    expect(tweetIdFromUrl('https://example.org/status/1')).toBeUndefined();
    expect(listIdFromUrl('https://twitter.com/i/lists/99')).toEqual({ id: '99' });
    expect(listIdFromUrl('https://twitter.com/RetroProm/lists/dec-retro')).toMatchObject({ id: 'retroprom/dec-retro', name: 'dec-retro' });
  });
});

describe('ArchiveMapper.tweet', () => {
  it('maps a reply: post by the owner, reply-to ref, mention account with names, to distribution, link', () => {
    const m = owner();
    const obs = m.tweet(reply, prov);
    const [post] = of(obs, 'post');
    expect(post).toMatchObject({
      externalId: 'twitter+tweet:826354801738969088',
      poster: 'twitter+user:100',
      text: '@gregsapphyre Try https://t.co/zkJskeisBp',
      when: '2017-01-31T09:01:52.000Z',
      url: 'https://x.com/me/status/826354801738969088',
      refs: [{ rel: 'reply-to', post: 'twitter+tweet:813774560122249217' }],
      distribution: [{ rel: 'broadcast' }, { rel: 'to', target: 'twitter+user:806326133981638657' }],
      links: ['https://github.com/PDP-10/its/blob/master/doc/DDT.md'],
    });
    expect(of(obs, 'account')).toEqual([
      { type: 'account', externalId: 'twitter+user:806326133981638657', names: [{ name: '@gregsapphyre', kind: 'handle' }, { name: 'Greg', kind: 'display' }], seenAt: '2017-01-31T09:01:52.000Z', provenance: prov },
    ]);
    expect(m.counts).toMatchObject({ tweets: 1, replies: 1, mentions: 1, links: 1 });
  });

  it('maps a status link as a quote', () => {
    const m = owner();
    const t = { tweet: { id_str: '5', created_at: 'Tue Jan 31 09:01:52 +0000 2017', full_text: 'look https://t.co/x', entities: { urls: [{ url: 'https://t.co/x', expanded_url: 'https://twitter.com/ada/status/4' }] } } };
    const [post] = of(m.tweet(t, prov), 'post');
    expect(post!.refs).toEqual([{ rel: 'quotes', post: 'twitter+tweet:4' }]);
  });

  it('maps a retweet with retweeted_status to the original post and a share interaction', () => {
    const m = owner();
    const t = { tweet: { id_str: '9', full_text: 'RT @ada: hi', created_at: 'Tue Jan 31 09:01:52 +0000 2017', retweeted_status: { id_str: '8', full_text: 'hi all', created_at: 'Mon Jan 30 09:01:52 +0000 2017', user: { id_str: '7', screen_name: 'ada', name: 'Ada L' } } } };
    const obs = m.tweet(t, prov);
    expect(of(obs, 'post')).toEqual([expect.objectContaining({ externalId: 'twitter+tweet:8', poster: 'twitter+user:7', text: 'hi all' })]);
    expect(of(obs, 'interaction')).toEqual([expect.objectContaining({ account: 'twitter+user:100', post: 'twitter+tweet:8', kind: 'share' })]);
    expect(of(obs, 'account')[0]).toMatchObject({ externalId: 'twitter+user:7', names: [{ name: '@ada', kind: 'handle' }, { name: 'Ada L', kind: 'display' }] });
  });

  it('maps an archive retweet whose original is known from its media to a stub and a share', () => {
    const m = owner();
    const t = { tweet: { id_str: '9', full_text: 'RT @ada: hi', entities: { user_mentions: [{ id_str: '7', screen_name: 'ada', name: 'Ada' }] }, extended_entities: { media: [{ source_status_id_str: '8', source_user_id_str: '7' }] } } };
    const obs = m.tweet(t, prov);
    expect(of(obs, 'post')).toEqual([{ type: 'post', externalId: 'twitter+tweet:8', provenance: prov }]);
    expect(of(obs, 'interaction')[0]).toMatchObject({ post: 'twitter+tweet:8', kind: 'share' });
  });

  it('keeps an archive retweet with no original id as the owner’s post addressed to the author', () => {
    const m = owner();
    const obs = m.tweet({ tweet: { id_str: '9', full_text: 'RT @ada: hi', entities: { user_mentions: [{ id_str: '7', screen_name: 'ada', name: 'Ada' }] } } }, prov);
    expect(of(obs, 'post')[0]).toMatchObject({ externalId: 'twitter+tweet:9', poster: 'twitter+user:100', distribution: [{ rel: 'broadcast' }, { rel: 'to', target: 'twitter+user:7' }] });
    expect(m.counts.retweetsWithoutOriginal).toBe(1);
  });

  it('gives a truncated tweet the full text of its long post (note-tweet.js)', () => {
    const m = owner();
    const long = `${'word '.repeat(80)}end`;
    m.noteTweet({ noteTweet: { noteTweetId: '77', createdAt: '2017-01-31T09:01:52.000Z', core: { text: long } } });
    const [post] = of(m.tweet({ tweet: { id_str: '5', created_at: 'Tue Jan 31 09:01:52 +0000 2017', full_text: `${long.slice(0, 270)}… https://t.co/abc` } }, prov), 'post');
    expect(post!.text).toBe(long);
    expect(m.unmatchedNotes('data/note-tweet.js')).toEqual([]);
  });

  it('matches the variant note shape by tweetId, and keeps unmatched notes as posts', () => {
    const m = owner();
    m.noteTweet({ noteTweet: { tweetId: '5', noteTweetResults: { text: 'long one' } } });
    m.noteTweet({ noteTweet: { noteTweetId: '6', core: { text: 'orphan' }, createdAt: '2001-01-01T00:00:00Z' } });
    expect(of(m.tweet({ tweet: { id_str: '5', full_text: 'long…' } }, prov), 'post')[0]!.text).toBe('long one');
    expect(m.unmatchedNotes('f')).toEqual([expect.objectContaining({ externalId: 'twitter+note:6', text: 'orphan', poster: 'twitter+user:100' })]);
  });

  it('refuses records without a numeric id, without touching anything else', () => {
    const m = owner();
    expect(() => m.tweet({ tweet: { id_str: '1 OR 1=1', full_text: 'x' } }, prov)).toThrow(RecordError);
    expect(() => m.tweet('nope', prov)).toThrow(RecordError);
    expect(() => m.tweet({ tweet: { id_str: '1', user: { id_str: 'evil:id' } } }, prov)).not.toThrow();
  });
});

describe('ArchiveMapper: other data types', () => {
  it('account.js: the owner with handle, name and email, linked to the user (self)', () => {
    const m = new ArchiveMapper();
    const obs = m.account({ account: { email: 'Me@Example.org', username: 'me', accountId: '100', accountDisplayName: 'Me' } }, prov);
    expect(of(obs, 'identity')).toEqual([{ type: 'identity', accounts: ['twitter+user:100', 'email+addr:me@example.org'], self: true, provenance: prov }]);
    expect(m.owner).toEqual({ id: '100', handle: 'me', name: 'Me' });
  });

  it('follower, following, block and mute rows are edges only: the store names the account from its mentions', () => {
    const m = owner();
    m.tweet(reply, prov);
    expect(m.edge({ follower: { accountId: '806326133981638657' } }, 'follower', prov)).toEqual([
      expect.objectContaining({ type: 'relationship', from: 'twitter+user:806326133981638657', to: 'twitter+user:100', kind: 'follows' }),
    ]);
    expect(m.edge({ following: { accountId: '555' } }, 'following', prov)).toEqual([expect.objectContaining({ type: 'relationship', from: 'twitter+user:100', to: 'twitter+user:555', kind: 'follows' })]);
    expect(m.edge({ blocking: { accountId: '6' } }, 'blocking', prov)[0]).toMatchObject({ kind: 'blocks', from: 'twitter+user:100', to: 'twitter+user:6' });
    expect(m.edge({ muting: { accountId: '6' } }, 'muting', prov)[0]).toMatchObject({ kind: 'mutes' });
    expect(() => m.edge({ follower: { accountId: 'x' } }, 'follower', prov)).toThrow(RecordError);
  });

  it('likes: a stub with the text we know and a like by the owner', () => {
    const m = owner();
    expect(m.like({ like: { tweetId: '42', fullText: 'nice', expandedUrl: 'https://twitter.com/i/web/status/42' } }, prov)).toEqual([
      { type: 'post', externalId: 'twitter+tweet:42', text: 'nice', url: 'https://twitter.com/i/web/status/42', provenance: prov },
      { type: 'interaction', account: 'twitter+user:100', post: 'twitter+tweet:42', kind: 'like', when: undefined, provenance: prov },
    ]);
  });

  it('DMs: direct posts between the two accounts, links and reactions', () => {
    const m = owner();
    const obs = m.dmConversation(
      { dmConversation: { conversationId: '7-100', messages: [{ messageCreate: { id: '1', senderId: '7', recipientId: '100', text: 'hi', createdAt: '2020-01-01T00:00:00.000Z', urls: [{ expanded: 'https://example.org' }], reactions: [{ senderId: '100', reactionKey: 'like', createdAt: '2020-01-01T00:00:01.000Z' }] } }, { messageCreate: { id: 'bad' } }] } },
      false,
      prov,
    );
    expect(of(obs, 'post')).toEqual([expect.objectContaining({ externalId: 'twitter+dm:1', poster: 'twitter+user:7', text: 'hi', distribution: [{ rel: 'to', target: 'twitter+user:100' }], links: ['https://example.org'] })]);
    expect(of(obs, 'interaction')).toEqual([expect.objectContaining({ account: 'twitter+user:100', post: 'twitter+dm:1', kind: 'like' })]);
  });

  it('group DMs: a list of the participants named after the conversation, messages to the channel', () => {
    const m = owner();
    const obs = m.dmConversation(
      { dmConversation: { conversationId: '55', messages: [{ messageCreate: { id: '2', senderId: '7', text: 'yo' } }, { conversationNameUpdate: { initiatingUserId: '100', name: 'Crew' } }, { joinConversation: { initiatingUserId: '100', participantsSnapshot: ['100', '7', '8'] } }] } },
      true,
      prov,
    );
    expect(of(obs, 'list')).toEqual([expect.objectContaining({ externalId: 'twitter+dmgroup:55', name: 'Crew', members: expect.arrayContaining(['twitter+user:100', 'twitter+user:7', 'twitter+user:8']) })]);
    expect(of(obs, 'post')[0]).toMatchObject({ externalId: 'twitter+dm:2', distribution: [{ rel: 'channel', target: 'twitter+dmgroup:55' }] });
  });

  it('profile, screen-name changes and lists', () => {
    const m = owner();
    expect(m.profile({ profile: { description: { bio: 'hi', website: 'https://e.org', location: 'here' } } }, prov)[0]).toMatchObject({ externalId: 'twitter+user:100', profile: { bio: 'hi', website: 'https://e.org', location: 'here' } });
    const snc = m.screenNameChange({ screenNameChange: { accountId: '100', screenNameChange: { changedAt: '2014-05-06T07:08:09.000Z', changedFrom: 'old', changedTo: 'me' } } }, prov);
    expect(snc.map((o) => (o.type === 'account' ? o.names![0]!.name : ''))).toEqual(['@old', '@me']);
    expect(m.list({ userListInfo: { url: 'https://twitter.com/i/lists/9' } }, 'created', prov)[0]).toMatchObject({ type: 'list', externalId: 'twitter+list:9', owner: 'twitter+user:100' });
    expect(m.list({ userListInfo: { url: 'https://twitter.com/a/lists/b' } }, 'member', prov)[0]).toMatchObject({ externalId: 'twitter+list:a/b', members: ['twitter+user:100'] });
  });
});

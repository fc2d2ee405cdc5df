// The services Skrode knows: their key, pretty name, what kind of service they are (which
// decides how a vCard exports them) and the domains that identify them in URLs.

export type ServiceKind = 'social' | 'chat' | 'email' | 'phone' | 'feed' | 'addressbook' | 'web' | 'pseudo';

export interface ServiceInfo {
  key: string;
  pretty: string;
  kind: ServiceKind;
  domains: string[];
}

const SERVICES: ServiceInfo[] = [
  { key: 'twitter', pretty: 'X (Twitter)', kind: 'social', domains: ['twitter.com', 'x.com', 'mobile.twitter.com'] },
  { key: 'mastodon', pretty: 'Mastodon', kind: 'social', domains: [] },
  { key: 'bluesky', pretty: 'Bluesky', kind: 'social', domains: ['bsky.app'] },
  { key: 'github', pretty: 'GitHub', kind: 'social', domains: ['github.com', 'gist.github.com', 'github.io'] },
  { key: 'hackernews', pretty: 'Hacker News', kind: 'social', domains: ['news.ycombinator.com'] },
  { key: 'lobsters', pretty: 'Lobsters', kind: 'social', domains: ['lobste.rs'] },
  { key: 'keybase', pretty: 'Keybase', kind: 'social', domains: ['keybase.io'] },
  { key: 'reddit', pretty: 'Reddit', kind: 'social', domains: ['reddit.com', 'old.reddit.com'] },
  { key: 'facebook', pretty: 'Facebook', kind: 'social', domains: ['facebook.com', 'messenger.com'] },
  { key: 'linkedin', pretty: 'LinkedIn', kind: 'social', domains: ['linkedin.com'] },
  { key: 'irc', pretty: 'IRC', kind: 'chat', domains: [] },
  { key: 'xmpp', pretty: 'XMPP', kind: 'chat', domains: [] },
  { key: 'matrix', pretty: 'Matrix', kind: 'chat', domains: ['matrix.to'] },
  { key: 'slack', pretty: 'Slack', kind: 'chat', domains: ['slack.com'] },
  { key: 'email', pretty: 'Email', kind: 'email', domains: [] },
  { key: 'tel', pretty: 'Telephone', kind: 'phone', domains: [] },
  { key: 'feed', pretty: 'Feeds', kind: 'feed', domains: [] },
  { key: 'web', pretty: 'Web', kind: 'web', domains: [] },
  { key: 'vcard', pretty: 'vCard', kind: 'addressbook', domains: [] },
  { key: 'bbdb', pretty: 'BBDB', kind: 'addressbook', domains: [] },
  { key: 'namesvc', pretty: 'Persona names', kind: 'pseudo', domains: [] },
];

const BY_KEY = new Map(SERVICES.map((s) => [s.key, s]));

export function knownServices(): readonly ServiceInfo[] {
  return SERVICES;
}

/** Info for a service key; unknown keys (a source added later) get a neutral default. */
export function serviceInfo(key: string): ServiceInfo {
  return BY_KEY.get(key) ?? { key, pretty: key, kind: 'social', domains: [] };
}

/** The service a URL belongs to, by its host, or undefined. */
export function serviceForUrl(url: string): ServiceInfo | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return undefined;
  }
  for (const s of SERVICES) {
    if (s.domains.some((d) => host === d || host.endsWith(`.${d}`))) return s;
  }
  return undefined;
}

// A small badge per service (letters on a colour, drawn here; no third-party artwork). Colours
// keep white text above 4.5:1 contrast. The badge is labelled with the service's name.
const BADGES: Record<string, { text: string; bg: string }> = {
  twitter: { text: 'X', bg: '#111111' },
  mastodon: { text: 'M', bg: '#4f3fb8' },
  bluesky: { text: 'B', bg: '#0a5cc2' },
  github: { text: 'GH', bg: '#24292f' },
  email: { text: '@', bg: '#8a4b00' },
  irc: { text: '#', bg: '#2e6b30' },
  slack: { text: 'S', bg: '#611f69' },
  feed: { text: 'RSS', bg: '#a33b00' },
  hackernews: { text: 'HN', bg: '#b34700' },
  lobsters: { text: 'L', bg: '#8b1d1d' },
  keybase: { text: 'K', bg: '#1f5fa8' },
  tel: { text: '☎', bg: '#30595e' },
  vcard: { text: 'VC', bg: '#5a5a5a' },
  bbdb: { text: 'DB', bg: '#5a5a5a' },
  skrode: { text: 'S', bg: '#404040' },
};

export function ServiceIcon({ service, label }: { service: string; label: string }) {
  const b = BADGES[service] ?? { text: service.slice(0, 2).toUpperCase(), bg: '#555555' };
  return (
    <span className="service-icon" role="img" aria-label={label} title={label} style={{ backgroundColor: b.bg }}>
      {b.text}
    </span>
  );
}

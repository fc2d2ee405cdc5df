import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCards } from './cards.js';
import { cardObservations } from './card-observations.js';
import { decodeVCardBytes } from './lines.js';
import type { AccountSeen, IdentitySeen, NoteSeen, Observation } from '../../model/observations.js';
import type { ContactProfile } from './contact-profile.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/vcard');

function load(name: string) {
  const { text } = decodeVCardBytes(readFileSync(join(FIXTURES, name)));
  const { cards, problems } = readCards(text);
  const results = cards.map((c) => cardObservations(c, { source: 'vcard', file: name }));
  return { cards, problems: [...problems, ...results.flatMap((r) => r.problems)], results };
}

const accounts = (obs: Observation[]) => obs.filter((o): o is AccountSeen => o.type === 'account');
const ids = (obs: Observation[]) => accounts(obs).map((a) => a.externalId).sort();
const profileOf = (obs: Observation[]) => accounts(obs)[0]!.profile as unknown as ContactProfile;

describe('vCard 3.0 from Apple Contacts', () => {
  const { results, problems } = load('apple-3.0.vcf');
  const obs = results[0]!.observations;

  it('reads one card without problems', () => {
    expect(results).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  it('maps emails, phones, chat and social profiles to accounts', () => {
    expect(ids(obs)).toEqual([
      'email+addr:ada.lovelace@engines.example',
      'email+addr:ada@example.org',
      'mastodon+user:@ada@example.social',
      'tel+number:+442079460000',
      'tel+number:02079460001',
      'twitter+handle:adal',
      'vcard+card:2A4B6C8D-0000-4000-8000-ADA000000001',
      'xmpp+user:ada@jabber.example',
    ]);
    const tw = accounts(obs).find((a) => a.externalId === 'twitter+handle:adal')!;
    expect(tw.names).toEqual([{ name: '@AdaL', kind: 'handle' }]);
    const mail = accounts(obs).find((a) => a.externalId === 'email+addr:ada.lovelace@engines.example')!;
    expect(mail.names).toEqual([{ name: 'Ada.Lovelace@Engines.example', kind: 'email' }]);
  });

  it('puts the card names on the pseudo account first, and ties everything into one identity', () => {
    const card = accounts(obs)[0]!;
    expect(card.externalId).toBe('vcard+card:2A4B6C8D-0000-4000-8000-ADA000000001');
    expect(card.names).toEqual([
      { name: 'Ada Lovelace', kind: 'display' },
      { name: 'Countess Ada Augusta Lovelace', kind: 'alias' },
      { name: 'Ada', kind: 'nick' },
      { name: 'The Enchantress of Numbers', kind: 'nick' },
    ]);
    expect(card.seenAt).toBe('2024-01-02T03:04:05.000Z');
    const identity = obs.find((o): o is IdentitySeen => o.type === 'identity')!;
    expect(identity.accounts[0]).toBe(card.externalId);
    expect([...identity.accounts].sort()).toEqual(ids(obs));
  });

  it('keeps the profile fields: org, title, address with its group label, birthday, home page, skype', () => {
    const p = profileOf(obs);
    expect(p.addressBook).toBe('vcard');
    expect(p.org).toEqual(['Analytical Engines Ltd', 'Research']);
    expect(p.title).toBe('Mathematician');
    expect(p.n).toEqual({ family: ['Lovelace'], given: ['Ada'], additional: ['Augusta'], prefixes: ['Countess'] });
    expect(p.addresses).toEqual([{ label: 'home', street: ["12 St James's Square", 'Flat 2'], locality: 'London', postcode: 'SW1Y 4JH', country: 'United Kingdom' }]);
    expect(p.birthday).toBe('1815-12-10');
    expect(p.urls).toEqual([{ url: 'https://ada.example.org/', label: 'homepage' }]);
    expect(p.impp).toEqual(['skype:ada.lovelace']);
    expect(p.categories).toEqual(['friends', 'math']);
    expect(p.primaryEmail).toBe('ada@example.org');
  });

  it('skips contact groups (KIND:group, Apple X-ADDRESSBOOKSERVER-KIND)', () => {
    for (const kind of ['KIND:group', 'X-ADDRESSBOOKSERVER-KIND:group']) {
      const { cards } = readCards(`BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Friends\r\n${kind}\r\nX-ADDRESSBOOKSERVER-MEMBER:urn:uuid:1\r\nEND:VCARD\r\n`);
      expect(cardObservations(cards[0]!, { source: 'vcard' })).toMatchObject({ observations: [], problems: [] });
    }
  });

  it('turns NOTE into a note keyed by UID, unescaping \\n \\, \\; and unfolding', () => {
    const note = obs.find((o): o is NoteSeen => o.type === 'note')!;
    expect(note.key).toBe('vcard:2A4B6C8D-0000-4000-8000-ADA000000001:note');
    expect(note.text).toBe('Met via Babbage, at a soirée.\nLikes poetry; hates fog. Long notes are folded by Apple at 75 octets, and the continuation starts with a space.');
  });
});

describe('Google Contacts: many cards, TYPE lists, no UID', () => {
  const { results, problems } = load('google-3.0.vcf');
  it('reads both cards', () => {
    expect(problems).toEqual([]);
    expect(results).toHaveLength(2);
  });
  it('recognises GitHub, Hacker News, Lobsters, Keybase and Bluesky URLs', () => {
    expect(ids(results[0]!.observations).filter((i) => !i.startsWith('vcard+'))).toEqual([
      'bluesky+handle:babbage.example.com',
      'email+addr:charles@example.org',
      'github+handle:cbabbage',
      'hackernews+user:difference_engine',
      'keybase+user:babbage',
      'lobsters+user:babbage',
      'tel+number:+15550100001',
    ]);
  });
  it('gives a card without UID a stable id from its content', () => {
    const again = load('google-3.0.vcf').results[1]!;
    expect(results[1]!.uid).toMatch(/^sha256-[0-9a-f]{32}$/);
    expect(again.uid).toBe(results[1]!.uid);
    expect(results[0]!.uid).not.toBe(results[1]!.uid);
    expect(profileOf(results[1]!.observations).addresses).toEqual([{ label: 'work', street: ['1 Science Rd'], locality: 'Edinburgh', postcode: 'EH1 1AA', country: 'Scotland' }]);
  });
});

describe('vCard 4.0 from Thunderbird', () => {
  const { results, problems } = load('thunderbird-4.0.vcf');
  const obs = results[0]!.observations;
  it('reads URI-valued TEL with an extension, IRC and Matrix IMPP, LinkedIn URL', () => {
    expect(problems).toEqual([]);
    expect(ids(obs)).toEqual([
      'email+addr:grace@navy.example',
      'irc+user:libera/ghopper',
      'linkedin+handle:gracehopper',
      'matrix+user:@grace:matrix.example',
      'tel+number:+12025550199;ext=42',
      'vcard+card:0d1f2e3d-4c5b-4a69-8778-96a5b4c3d2e1',
    ]);
  });
  it('strips urn:uuid: from UID and keeps anniversary, gender and REV', () => {
    const p = profileOf(obs);
    expect(p.anniversary).toBe('19301215');
    expect(p.gender).toBe('F');
    expect(p.updated).toBe('2024-03-01T10:11:12.000Z');
    expect(p.addresses?.[0]).toMatchObject({ label: 'work', street: ['1 Navy Yard'], locality: 'Washington', region: 'DC', postcode: '20374', country: 'USA' });
  });
});

describe('vCard 2.1 with QUOTED-PRINTABLE', () => {
  const { results, problems } = load('old-2.1-qp.vcf');
  const obs = results[0]!.observations;
  it('decodes QP in the declared charset, across soft line breaks', () => {
    expect(problems).toEqual([]);
    const p = profileOf(obs);
    expect(p.fn).toBe('Jürgen Müller');
    expect(p.n).toEqual({ family: ['Müller'], given: ['Jürgen'] });
    expect(p.addresses?.[0]).toMatchObject({ label: 'work', street: ['Hauptstraße 1'], locality: 'Berlin', country: 'Deutschland' });
    const note = obs.find((o): o is NoteSeen => o.type === 'note')!;
    expect(note.text).toBe('Erste Zeile\nZweite Zeile mit Ümlaut und einer weichen Zeilenumbruch.');
  });
  it('reads bare 2.1 parameters as TYPE', () => {
    expect(ids(obs)).toContain('tel+number:+49301234567');
    expect(ids(obs)).toContain('tel+number:01712345678');
    expect(ids(obs)).toContain('email+addr:juergen@example.de');
  });
});

describe('hostile vCards', () => {
  const { results, problems } = load('malformed.vcf');
  it('reports every bad line with its number and imports the rest', () => {
    const reasons = problems.map((p) => p.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^line 1: text outside BEGIN:VCARD/),
        expect.stringMatching(/^line 5: not a vCard property|^line 5: missing ':'/),
        expect.stringMatching(/^line 6: EMAIL is not an e-mail address/),
        expect.stringMatching(/^line 7: TEL is not a phone number/),
        expect.stringMatching(/card 1 starting at line 2 has no END:VCARD before line 8/),
        expect.stringMatching(/^line 11: unterminated quoted parameter value/),
        expect.stringMatching(/card 4 starting at line 20 has no END:VCARD \(file cut short\?\)/),
      ]),
    );
    expect(problems.map((p) => p.line)).toEqual(expect.arrayContaining([1, 5, 6, 7, 2, 11, 20]));
    const names = results.map((r) => (accounts(r.observations)[0]?.profile as ContactProfile | undefined)?.fn);
    expect(names).toEqual(['Broken One', 'Cut Short', 'Good Card', 'No End']);
    expect(ids(results[1]!.observations)).toContain('email+addr:cut@example.org');
  });
});

describe('more quirks', () => {
  it('falls back to Windows-1252 for a file that is not UTF-8', () => {
    const bytes = readFileSync(join(FIXTURES, 'windows-1252.vcf'));
    const { text, charset } = decodeVCardBytes(bytes);
    expect(charset).toBe('windows-1252');
    const { results, problems } = load('windows-1252.vcf');
    expect(problems).toEqual([]);
    expect(profileOf(results[0]!.observations).fn).toBe('Zoë Müller–Straße');
    expect(results[0]!.observations.find((o): o is NoteSeen => o.type === 'note')!.text).toBe('Café “quoted” €5');
    expect(text).toContain('€5');
  });

  it('reads lower-case names, tab continuations, escaped colons, nested AGENT cards, x-apple profiles; drops PHOTO', () => {
    const { results, problems } = load('quirks-3.0.vcf');
    expect(problems).toEqual([]);
    expect(results).toHaveLength(1);
    const obs = results[0]!.observations;
    const p = profileOf(obs);
    expect(p.fn).toBe('Quirky: Person');
    expect(p.org).toEqual(['Semi;colon Inc', 'Dept']);
    expect(ids(obs).filter((i) => !i.startsWith('vcard+'))).toEqual(['email+addr:quirk@example.org', 'github+handle:quirk-gh', 'twitter+handle:quirktw', 'xmpp+user:quirk@jabber.example']);
    expect(obs.find((o): o is NoteSeen => o.type === 'note')!.text).toBe('this note belongs to the outer card, folded with a tab');
    expect(JSON.stringify(obs)).not.toMatch(/agent@example.org|9j\/4AAQ/);
  });
});

describe('Skrode\'s own extensions are trusted only within bounds', () => {
  it('X-SKRODE-ID must be well formed and on a service the property can name; X-SKRODE-ACCOUNT never names persona-name accounts', () => {
    const text = [
      'BEGIN:VCARD',
      'VERSION:4.0',
      'UID:ext-1',
      'FN:Claims',
      'EMAIL;X-SKRODE-ID="twitter+user:1":claims@example.org',
      'TEL;X-SKRODE-ID="tel+number:+15550001":+1 555 0001',
      'X-SOCIAL-PROFILE;TYPE=twitter;X-SKRODE-ID="twitter+user:42":https://x.com/claims',
      'IMPP;X-SKRODE-ID="nosuchservice+user:x":xmpp:claims@jabber.example',
      'X-SKRODE-ACCOUNT:namesvc+user:00000000-0000-4000-8000-000000000000',
      'X-SKRODE-ACCOUNT:not an id',
      'X-SKRODE-ACCOUNT:slack+user:T1/U1',
      'END:VCARD',
    ].join('\r\n');
    const { cards } = readCards(text);
    const r = cardObservations(cards[0]!, { source: 'vcard' });
    expect(ids(r.observations)).toEqual(['email+addr:claims@example.org', 'slack+user:T1/U1', 'tel+number:+15550001', 'twitter+user:42', 'vcard+card:ext-1', 'xmpp+user:claims@jabber.example']);
    expect(r.problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/^line 9: X-SKRODE-ACCOUNT is not an account id Skrode knows/),
      expect.stringMatching(/^line 10: X-SKRODE-ACCOUNT is not an account id Skrode knows/),
    ]);
  });
});

describe('limits', () => {
  it('caps the properties of one card and says so once', () => {
    const lines = ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Many'];
    for (let i = 0; i < 5010; i++) lines.push(`X-THING:${i}`);
    lines.push('EMAIL:many@example.org', 'END:VCARD', 'BEGIN:VCARD', 'FN:Next', 'END:VCARD');
    const { cards, problems } = readCards(lines.join('\r\n'));
    expect(problems.map((p) => p.reason)).toEqual([expect.stringMatching(/^line 5003: card 1 at line 1 has more than 5000 properties; the rest are skipped/)]);
    expect(cards.map((c) => c.props.length)).toEqual([5000, 1]);
  });
});

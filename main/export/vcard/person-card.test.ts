// vCard export: every card parses with an independent parser (ical.js), follows the line rules,
// and a store exported to vCard and imported into an empty store gives the same people with the
// same names, addresses, accounts and notes.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import fc from 'fast-check';
import { openSqlite, type SqliteDb } from '../../store/sqlite/open.js';
import { SqliteWriter } from '../../store/sqlite/writer.js';
import { SqliteReads } from '../../store/sqlite/reads.js';
import type { Observation } from '../../model/observations.js';
import type { PersonDto } from '../../../shared/people.js';
import { readCards } from '../../sources/vcard/cards.js';
import { cardObservations } from '../../sources/vcard/card-observations.js';
import { decodeVCardBytes } from '../../sources/vcard/lines.js';
import { asContactProfile } from '../../sources/vcard/contact-profile.js';
import { readHeader, readRecords } from '../../sources/bbdb/file.js';
import { parseRecord, recordObservations } from '../../sources/bbdb/record.js';
import { allPeopleSqlite } from '../people.js';
import { personToVCard } from './person-card.js';

const ROOT = join(import.meta.dirname, '../../..');
const prov = { source: 'test' };

function vcardObservations(text: string): Observation[] {
  const { cards } = readCards(text);
  return cards.flatMap((c) => cardObservations(c, prov).observations);
}

/** A store with people from vCard and BBDB fixtures plus accounts from other sources. */
function sourceStore(): SqliteDb {
  const db = openSqlite(':memory:');
  const w = new SqliteWriter(db, ':memory:');
  for (const f of ['apple-3.0.vcf', 'google-3.0.vcf', 'thunderbird-4.0.vcf', 'old-2.1-qp.vcf']) {
    w.applyValidated(vcardObservations(decodeVCardBytes(readFileSync(join(ROOT, 'test/fixtures/vcard', f))).text));
  }
  const bbdb = readFileSync(join(ROOT, 'test/fixtures/bbdb/bbdb-v9'), 'utf8');
  for (const e of readRecords(bbdb, readHeader(bbdb))) {
    if ('record' in e) w.applyValidated(recordObservations(parseRecord(e.record), prov).observations);
  }
  // Accounts from live sources: numeric ids, an IRC network name that is not a host, Slack.
  w.applyValidated([
    { type: 'account', externalId: 'twitter+user:12345', names: [{ name: '@rms', kind: 'handle' }, { name: 'Richard, "the" Stallman; GNU\\Linux', kind: 'display' }], seenAt: '2024-05-05T05:05:05.000Z', provenance: prov },
    { type: 'account', externalId: 'irc+user:irc.oftc.net/rms', names: [{ name: 'rms', kind: 'nick' }], provenance: prov },
    { type: 'account', externalId: 'slack+user:T01/U02', names: [{ name: 'richard', kind: 'handle' }], provenance: prov },
    { type: 'account', externalId: 'github+user:999', names: [{ name: 'rms-gnu', kind: 'handle' }], provenance: prov },
    { type: 'account', externalId: 'email+addr:rms@gnu.example', names: [{ name: 'RMS@gnu.example', kind: 'email' }], provenance: prov },
    { type: 'identity', accounts: ['twitter+user:12345', 'irc+user:irc.oftc.net/rms', 'slack+user:T01/U02', 'github+user:999', 'email+addr:rms@gnu.example'], provenance: prov },
    { type: 'note', account: 'twitter+user:12345', text: 'Free software; "GNU\'s Not Unix"\nsecond line, with commas', key: 'test:rms', provenance: prov },
    { type: 'account', externalId: 'mastodon+user:@solo@example.social', names: [{ name: 'Solo Ünïcödé 😀 '.repeat(6).trim(), kind: 'display' }], provenance: prov },
  ]);
  // A human with two personas.
  const persona = (ext: string) => (db.prepare('select persona from accounts where external_id = ?').get(ext) as { persona: string }).persona;
  const link = w.linkPersona(null, persona('twitter+user:12345'), 'owns');
  w.linkPersona(link.human, persona('email+addr:grace@navy.example'), 'participates');
  w.addPersonaName(persona('twitter+user:12345'), 'St. IGNUcius');
  return db;
}

async function people(db: SqliteDb): Promise<PersonDto[]> {
  const reads = new SqliteReads(db);
  return allPeopleSqlite(db).map((id) => reads.person(id)!);
}

function accountsOf(p: PersonDto) {
  return (p.kind === 'human' ? p.human.personas : [p.persona]).flatMap((x) => x.accounts);
}

/** What must survive a round trip: accounts (but the card's own pseudo account), names, addresses, notes. */
function essence(p: PersonDto, ownCard: string) {
  const accounts = accountsOf(p);
  const personaNames = (p.kind === 'human' ? p.human.personas : [p.persona]).flatMap((x) => x.names);
  return {
    accounts: accounts.map((a) => a.externalId).filter((id) => id !== ownCard && !id.startsWith('namesvc+')).sort(),
    names: [...new Set([...accounts.flatMap((a) => a.names.map((n) => n.name.trim().toLowerCase())), ...personaNames.map((n) => n.trim().toLowerCase())])].sort(),
    addresses: accounts
      .map((a) => asContactProfile(a.profile)?.addresses ?? [])
      .flat()
      .map((a) => JSON.stringify({ ...a, label: undefined }))
      .sort()
      .filter((x, i, all) => all.indexOf(x) === i),
    // The card has one NOTE: several notes are joined, in the order the person view lists them.
    notes: p.notes.map((n) => n.text),
  };
}

describe('vCard export', () => {
  it('writes cards that ical.js parses, with CRLF, ≤75-octet lines and the right values', async () => {
    const db = sourceStore();
    const all = await people(db);
    // Ada, Charles and Jürgen are on a vCard and in BBDB with the same address: one person each.
    expect(all.length).toBe(7);
    for (const version of [3, 4] as const) {
      for (const p of all) {
        const card = personToVCard(p, { version });
        expect(card.endsWith('\r\n')).toBe(true);
        expect(card.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
        for (const line of card.slice(0, -2).split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
        const vcard = new ICAL.Component(ICAL.parse(card) as unknown[]);
        expect(vcard.name).toBe('vcard');
        expect(vcard.getFirstPropertyValue('version')).toBe(version === 4 ? '4.0' : '3.0');
        expect(String(vcard.getFirstPropertyValue('uid'))).toContain(p.id);
        expect(vcard.getFirstPropertyValue('fn')).toBeTruthy();
      }
    }
    const rms = all.find((p) => accountsOf(p).some((a) => a.externalId === 'twitter+user:12345'))!;
    const card = new ICAL.Component(ICAL.parse(personToVCard(rms, { version: 4 })) as unknown[]);
    // the human's card carries the notes of both its personas (rms, and Grace who participates)
    const note = String(card.getFirstPropertyValue('note'));
    expect(note).toContain('Free software; "GNU\'s Not Unix"\nsecond line, with commas');
    expect(note).toContain('Invented the first compiler.\nKeeps a nanosecond of wire.');
    expect(card.getAllProperties('email').map((e) => e.getFirstValue())).toEqual(expect.arrayContaining(['RMS@gnu.example', 'grace@navy.example']));
    const impp = card.getAllProperties('impp').map((e) => e.getFirstValue());
    expect(impp).toEqual(expect.arrayContaining(['irc://irc.oftc.net/rms,isuser', 'matrix:u/grace:matrix.example']));
    const social = card.getAllProperties('x-social-profile');
    const tw = social.find((s) => s.getParameter('type') === 'twitter')!;
    expect(tw.getFirstValue()).toBe('https://x.com/rms');
    expect(tw.getParameter('x-skrode-id')).toBe('twitter+user:12345');
    expect(card.getAllProperties('x-skrode-account').map((s) => s.getFirstValue())).toContain('slack+user:T01/U02');
    const nicks = card.getAllProperties('nickname').flatMap((n) => n.getValues() as string[]);
    expect(nicks).toEqual(expect.arrayContaining(['Richard, "the" Stallman; GNU\\Linux', 'St. IGNUcius', '@rms']));

    const ada = all.find((p) => accountsOf(p).some((a) => a.externalId === 'email+addr:ada@example.org'))!;
    const adaCard = new ICAL.Component(ICAL.parse(personToVCard(ada, { version: 3 })) as unknown[]);
    expect(adaCard.getFirstPropertyValue('fn')).toBe('Ada Lovelace');
    expect(adaCard.getFirstPropertyValue('org')).toEqual(['Analytical Engines Ltd', 'Research']);
    expect(adaCard.getFirstPropertyValue('title')).toBe('Mathematician');
    const adr = adaCard.getFirstProperty('adr')!;
    expect(adr.getFirstValue()).toEqual(['', '', ["12 St James's Square", 'Flat 2'], 'London', '', 'SW1Y 4JH', 'United Kingdom']);
    expect(adaCard.getFirstPropertyValue('bday')).toBeTruthy();
    // the preferred address is marked, in each version's way
    const pref3 = adaCard.getAllProperties('email').find((e) => e.getFirstValue() === 'ada@example.org')!;
    expect(pref3.getParameter('type')).toEqual(['INTERNET', 'pref']);
    const ada4 = new ICAL.Component(ICAL.parse(personToVCard(ada, { version: 4 })) as unknown[]);
    const emails4 = ada4.getAllProperties('email');
    expect(emails4.filter((e) => e.getParameter('pref') === '1').map((e) => e.getFirstValue())).toEqual(['ada@example.org']);
  });

  it('a store exported to vCard and imported into an empty store gives the same people', async () => {
    const src = sourceStore();
    const before = await people(src);
    for (const version of [3, 4] as const) {
      const file = before.map((p) => personToVCard(p, { version })).join('');
      const dst = openSqlite(':memory:');
      const w = new SqliteWriter(dst, ':memory:');
      const { cards, problems } = readCards(file);
      expect(problems).toEqual([]);
      expect(cards).toHaveLength(before.length);
      for (const c of cards) {
        const r = cardObservations(c, prov);
        expect(r.problems).toEqual([]);
        w.applyValidated(r.observations);
      }
      const reads = new SqliteReads(dst);
      for (const p of before) {
        const ownCard = `vcard+card:${p.id}`;
        const persona = reads.personaOf(ownCard);
        expect(persona, `card for ${p.id}`).toBeTruthy();
        const after = reads.person(persona!)!;
        const a = essence(p, ownCard);
        const b = essence(after, ownCard);
        expect(b.accounts, `accounts of ${p.id} (vCard ${version})`).toEqual(a.accounts);
        expect(b.addresses, `addresses of ${p.id}`).toEqual(a.addresses);
        // every name the person had is still found; the card may add its FN/N forms
        for (const n of a.names) expect(b.names, `names of ${p.id}`).toContain(n);
        expect(b.notes.join('\n\n')).toBe(a.notes.join('\n\n'));
      }
      // Importing the same export again changes nothing (idempotent by UID).
      const counts = reads.counts();
      for (const c of readCards(file).cards) w.applyValidated(cardObservations(c, prov).observations);
      expect(reads.counts()).toEqual(counts);
    }
  });
});

describe('escaping against an independent parser (property)', () => {
  it('any display name and note survive ical.js, in vCard 3 and 4', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom(',', ';', '\\', '\n', ':', '"', 'é', '😀', '字', ' '), fc.string({ minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 120 });
    fc.assert(
      fc.property(text, text, fc.constantFrom(3 as const, 4 as const), (name, note, version) => {
        fc.pre(name.trim().length > 0 && note.trim().length > 0 && !/[\u0000-\u001f\u007f]/.test(name.replace(/\n/g, '') + note.replace(/\n/g, '')));
        const person: PersonDto = {
          kind: 'persona',
          id: '00000000-0000-4000-8000-000000000001',
          persona: {
            id: '00000000-0000-4000-8000-000000000001',
            rel: null,
            names: [name],
            accounts: [{ externalId: 'mastodon+user:@x@example.social', service: 'mastodon', servicePretty: 'Mastodon', names: [{ name, kind: 'display', firstSeen: null, lastSeen: null }], profile: {}, firstSeen: null, lastSeen: null }],
            firstSeen: null,
            lastSeen: null,
          },
          notes: [{ id: 1, text: note, updatedAt: '2020-01-01T00:00:00.000Z' }],
        };
        const c = new ICAL.Component(ICAL.parse(personToVCard(person, { version })) as unknown[]);
        expect(c.getFirstPropertyValue('fn')).toBe(name);
        expect(c.getFirstPropertyValue('note')).toBe(note.trim());
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHeader, readRecords } from './file.js';
import { migrate6to7, migrate7to9, parseRecord, recordObservations, type BbdbRecord } from './record.js';
import { readSexp, sexpToJson, type Vec } from './sexp.js';
import type { AccountSeen, NoteSeen, Observation } from '../../model/observations.js';
import type { ContactProfile } from '../vcard/contact-profile.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/bbdb');

function load(name: string) {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  const header = readHeader(text);
  const records: { index: number; line: number; record?: BbdbRecord; error?: string }[] = [];
  const problems: string[] = [];
  for (const e of readRecords(text, header)) {
    if ('problem' in e) problems.push(e.problem.reason);
    else {
      try {
        records.push({ index: e.index, line: e.line, record: parseRecord(e.record) });
      } catch (err) {
        records.push({ index: e.index, line: e.line, error: (err as Error).message });
      }
    }
  }
  return { header, records, problems };
}

const accounts = (obs: Observation[]) => obs.filter((o): o is AccountSeen => o.type === 'account');
const obsOf = (r: BbdbRecord) => recordObservations(r, { source: 'bbdb', file: 'f' });

describe('BBDB format 9', () => {
  const { header, records, problems } = load('bbdb-v9');
  it('reads the header and every record; text after the last record is ignored', () => {
    expect(header.format).toBe(9);
    expect(problems).toEqual([]);
    expect(records.map((r) => r.error)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reads names, AKAs, organizations, both phone styles, addresses with brackets, mails, xfields', () => {
    const ada = records[0]!.record!;
    expect(ada).toMatchObject({
      firstname: 'Ada',
      lastname: 'Lovelace',
      aka: ['Countess of Lovelace'],
      organization: ['Analytical Engines Ltd'],
      phones: [
        { label: 'cell', number: '+44 20 7946 0000' },
        { label: 'work', number: '(415) 555-1212 x42' },
      ],
      addresses: [{ label: 'home', street: ["12 St James's Sq", 'Flat [2]'], locality: 'London', postcode: 'SW1Y', country: 'UK' }],
      mails: ['ada@example.org', 'countess@engines.example'],
      uuid: 'a1010c22-e918-4c6e-a834-6858c488b320',
      creationDate: '2020-09-23T19:57:53.000Z',
      timestamp: '2020-09-23T19:59:01.000Z',
    });
    expect(ada.xfields.map(([k]) => k)).toEqual(['notes', 'mail-alias', 'birthday', 'url', 'gnus-score']);
    expect(ada.xfields[0]![1]).toBe('met via Babbage\nsays "hello" [often]');
  });

  it('makes observations: pseudo account with names, mail (primary first), phones, URL accounts, note', () => {
    const { observations, uuid } = obsOf(records[0]!.record!);
    expect(uuid).toBe('a1010c22-e918-4c6e-a834-6858c488b320');
    const acc = accounts(observations);
    expect(acc.map((a) => a.externalId)).toEqual([
      'bbdb+record:a1010c22-e918-4c6e-a834-6858c488b320',
      'email+addr:ada@example.org',
      'email+addr:countess@engines.example',
      'tel+number:+442079460000',
      'tel+number:4155551212;ext=42',
      'twitter+handle:adal',
    ]);
    expect(acc[0]!.names).toEqual([
      { name: 'Ada Lovelace', kind: 'display' },
      { name: 'Countess of Lovelace', kind: 'alias' },
    ]);
    expect(acc[0]!.seenAt).toBe('2020-09-23T19:59:01.000Z');
    const p = acc[0]!.profile as unknown as ContactProfile;
    expect(p).toMatchObject({ addressBook: 'bbdb', primaryEmail: 'ada@example.org', birthday: '1815-12-10', urls: [{ url: 'https://ada.example.org/' }], created: '2020-09-23T19:57:53.000Z' });
    expect(p.fields).toMatchObject({ 'mail-alias': 'math, poets', 'gnus-score': [['from', 100]] });
    const note = observations.find((o): o is NoteSeen => o.type === 'note')!;
    expect(note).toMatchObject({ key: 'bbdb:a1010c22-e918-4c6e-a834-6858c488b320:notes', text: 'met via Babbage\nsays "hello" [often]' });
    const identity = observations.find((o) => o.type === 'identity')!;
    expect(identity).toMatchObject({ accounts: acc.map((a) => a.externalId) });
  });

  it('handles literal newlines in strings, affixes, organizations, and a record with only an organization', () => {
    const charles = records[1]!.record!;
    expect(charles.affix).toEqual(['FRS']);
    expect(charles.organization).toEqual(['Cambridge', 'Royal Society']);
    expect(charles.xfields[0]![1]).toBe('line one\nline two, a literal newline');
    expect((accounts(obsOf(charles).observations)[0]!.profile as unknown as ContactProfile).n).toEqual({ given: ['Charles'], family: ['Babbage'], suffixes: ['FRS'] });
    const org = obsOf(records[2]!.record!);
    expect(accounts(org.observations)[0]!.names).toEqual([{ name: 'Difference Engines Inc', kind: 'display' }]);
    expect((accounts(org.observations)[0]!.profile as unknown as ContactProfile).fields).toMatchObject({ phones: ['office: ask for Bob'] });
  });

  it('reads octal escapes and escaped symbol names', () => {
    const j = records[3]!.record!;
    expect(j.lastname).toBe('Müller');
    expect(j.firstname).toBe(' Jürgen');
    expect(j.xfields).toEqual([['xf with space', 42]]);
  });
});

describe('BBDB format 7', () => {
  const { header, records, problems } = load('bbdb-v7');
  it('moves uuid and dates out of the xfields (7 → 9)', () => {
    expect(header.format).toBe(7);
    expect(problems).toEqual([]);
    const g = records[0]!.record!;
    expect(g).toMatchObject({ uuid: 'e5050c22-e918-4c6e-a834-6858c488b324', creationDate: '2015-03-04T05:06:07.000Z', timestamp: '2016-03-04T05:06:07.000Z', affix: ['Rear Admiral'], aka: ['Amazing Grace'] });
    expect(g.xfields).toEqual([['notes', 'first compiler']]);
  });
  it('gives a record without uuid a stable derived id', () => {
    const a = obsOf(records[1]!.record!);
    expect(a.uuid).toMatch(/^sha256-[0-9a-f]{32}$/);
    expect(obsOf(load('bbdb-v7').records[1]!.record!).uuid).toBe(a.uuid);
  });
});

describe('BBDB format 6 (BBDB 2)', () => {
  const { header, records, problems } = load('bbdb-v6');
  it('migrates 6 → 7 → 9: company to organization list, notes string or alist to xfields, dates', () => {
    expect(header.format).toBe(6);
    expect(problems).toEqual([]);
    const ewd = records[0]!.record!;
    expect(ewd).toMatchObject({
      firstname: 'Edsger',
      aka: ['EWD'],
      affix: [],
      organization: ['University of Texas'],
      phones: [{ label: 'work', number: '(512) 471-7316' }],
      addresses: [{ label: 'work', street: ['Taylor Hall'], locality: 'Austin', region: 'TX', postcode: '78712', country: 'USA' }],
      mails: ['ewd@example.edu'],
      creationDate: '1999-01-02T00:00:00.000Z',
      timestamp: '2002-08-06T00:00:00.000Z',
    });
    expect(ewd.xfields).toEqual([['notes', 'goto considered harmful']]);
    expect(records[1]!.record!.xfields).toEqual([['notes', 'substitution principle']]);
    expect(records[1]!.record!.organization).toEqual(['MIT']);
    expect(records[2]!.record!.xfields).toEqual([]);
  });

  it('the migration steps produce the slot layouts bbdb-migrate does', () => {
    const v6 = (readSexp('["F" "L" ("A") "Co" nil nil ("m@x.org") "note" nil]') as Vec).items;
    const v7 = migrate6to7(v6);
    expect(sexpToJson({ kind: 'vector', items: v7 })).toEqual(['F', 'L', null, ['A'], ['Co'], null, null, ['m@x.org'], [['notes', '.', 'note']], null]);
    const v9 = migrate7to9(v7);
    expect(v9).toHaveLength(13);
  });
});

describe('hostile BBDB files', () => {
  const { records, problems } = load('bbdb-broken');
  it('reports unbalanced records, wrong arity, junk and unterminated strings with lines; keeps the good ones', () => {
    expect(problems).toEqual([
      expect.stringMatching(/^record 2 \(line 3\) cannot be read: line 3: '\]' where '\)' was expected/),
      expect.stringMatching(/^line 5: text between records ignored/),
      expect.stringMatching(/^record 5 \(line 7\) cannot be read: line 7: string opened on line 7 is never closed/),
    ]);
    expect(records.map((r) => [r.index, r.line, r.record?.firstname ?? r.error])).toEqual([
      [1, 2, 'Good'],
      [3, 4, expect.stringMatching(/9 \(format 6\), 10 \(format 7\) or 13 \(format 9\) slots; this one has 3/)],
      [4, 6, 'Good'],
    ]);
    const two = obsOf(records[2]!.record!);
    expect(two.problems).toEqual(['mail "not a mail" is not an e-mail address; skipped']);
    expect(accounts(two.observations).map((a) => a.externalId)).toContain('email+addr:good2@example.org');
  });

  it('refuses a header newer than format 9 and a file with no records', () => {
    expect(readHeader(';;; file-format: 12\n[nil]').format).toBe(12);
    expect(readHeader('just text\n').start).toBe('just text\n'.length);
  });
});

describe('BBDB variants', () => {
  it('reads a fork\'s format 8 (uuid in the xfields) like format 7', () => {
    const { header, records, problems } = load('bbdb-v8-fork');
    expect(header.format).toBe(8);
    expect(problems).toEqual([]);
    expect(records[0]!.record).toMatchObject({ uuid: '11111111-2222-4333-8444-555555555555', creationDate: '2001-02-03T04:05:06.000Z', timestamp: '2002-02-03T04:05:06.000Z', xfields: [] });
  });

  it('tolerates (symbol . "string") conses in the uuid and date slots, and pre-format-3 dates', () => {
    const { records, problems } = load('bbdb-v9-conses');
    expect(problems).toEqual([]);
    const r = records[0]!.record!;
    expect(r).toMatchObject({ uuid: '66666666-7777-4888-9999-000000000000', creationDate: '2003-04-05T06:07:08.000Z', timestamp: '2004-04-05T06:07:08.000Z' });
    expect(obsOf(r).uuid).toBe('66666666-7777-4888-9999-000000000000');
    expect((accounts(obsOf(r).observations)[0]!.profile as unknown as ContactProfile).anniversary).toBe('25 Sep 97');
  });
});

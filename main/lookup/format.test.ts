import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { AccountDto, LookupHit, PersonaDto, PersonDto } from '../../shared/people.js';
import { displayName, emailAddresses, formatMutt, formatWhois, yamlScalar } from './format.js';

const HOSTILE = [
  '@arrdem', 'a: b', '#tag', 'a #b', 'ends:', 'true', 'No', 'null', '~', '123', '1e5', '0x1F', '.5', '2024-01-01', '12:30:00',
  '- dash', '[x]', '{y}', '*alias', '&anchor', '!tag', '%pct', '`tick', '|pipe', '>gt', "'sq", 'quote"s', '? q', 'tab\there',
  'new\nline', '  leading', 'trailing ', 'ünïcødé Ådahl', '😀 emoji', 'line\u2028sep', 'del\u007f', 'bom\ufeff', 'back\\slash', '',
  '33e1116b6ef2d7431684ae11c7f91200', 'Reid McKenzie', "O'Brien", 'X (Twitter)',
];

function account(externalId: string, names: string[], kind = 'display'): AccountDto {
  return { externalId, service: externalId.slice(0, externalId.indexOf('+')), servicePretty: externalId.startsWith('twitter') ? 'X (Twitter)' : 'Email', names: names.map((name) => ({ name, kind, firstSeen: null, lastSeen: null })), profile: {}, firstSeen: null, lastSeen: null };
}

function persona(id: string, accounts: AccountDto[], rel: PersonaDto['rel'] = null): PersonaDto {
  return { id, rel, names: [...new Set(accounts.flatMap((a) => a.names.map((n) => n.name)))], accounts, firstSeen: null, lastSeen: null };
}

describe('yamlScalar', () => {
  it('reads back as the same string, whatever the string', () => {
    for (const s of HOSTILE) {
      const [doc] = parseAllDocuments(`v: ${yamlScalar(s)}\n`);
      expect(doc!.errors).toEqual([]);
      expect((doc!.toJS() as { v: unknown }).v).toBe(s);
    }
  });

  it('leaves ordinary names and ids plain', () => {
    expect(yamlScalar('Reid McKenzie')).toBe('Reid McKenzie');
    expect(yamlScalar('twitter+user:123')).toBe('twitter+user:123');
    expect(yamlScalar('4552d420-9772-4bbd-a17d-9774124341aa')).toBe('4552d420-9772-4bbd-a17d-9774124341aa');
    expect(yamlScalar('@arrdem')).toBe('"@arrdem"');
  });
});

describe('formatWhois', () => {
  const lone = persona('p-1', [account('twitter+user:1', HOSTILE)]);
  const people: PersonDto[] = [
    { kind: 'persona', id: 'p-1', persona: lone, notes: [] },
    {
      kind: 'human',
      id: 'h-1',
      human: {
        id: 'h-1',
        isSelf: false,
        personas: [persona('p-2', [account('twitter+user:2', ['@ada', 'Ada Lovelace'], 'handle'), account('email+addr:ada@example.org', ['ada@example.org'], 'email')]), persona('p-3', [], 'participates')],
      },
      notes: [{ id: 1, text: 'met at: "the conference"', updatedAt: '2024-01-01T00:00:00.000Z' }],
    },
  ];

  it('prints the original layout, one document per person, and parses back as YAML', () => {
    const text = formatWhois(people);
    expect(text.startsWith('---\npersona: p-1\nnames:\n')).toBe(true);
    expect(text).toContain('\n  - service: X (Twitter)\n    foreign key: twitter+user:1\n    names:\n');
    const docs = parseAllDocuments(text);
    expect(docs).toHaveLength(2);
    for (const d of docs) expect(d.errors).toEqual([]);
    const [first, second] = docs.map((d) => d.toJS()) as [Record<string, unknown>, Record<string, unknown>];
    expect(first).toEqual({
      persona: 'p-1',
      names: lone.names,
      accounts: [{ service: 'X (Twitter)', 'foreign key': 'twitter+user:1', names: HOSTILE }],
    });
    expect(second).toEqual({
      human: 'h-1',
      personas: [
        {
          persona: 'p-2',
          names: ['@ada', 'Ada Lovelace', 'ada@example.org'],
          accounts: [
            { service: 'X (Twitter)', 'foreign key': 'twitter+user:2', names: ['@ada', 'Ada Lovelace'] },
            { service: 'Email', 'foreign key': 'email+addr:ada@example.org', names: ['ada@example.org'] },
          ],
        },
        { persona: 'p-3', rel: 'participates', names: [], accounts: [] },
      ],
      notes: ['met at: "the conference"'],
    });
  });

  it('prints nothing for nobody', () => {
    expect(formatWhois([])).toBe('');
  });
});

describe('formatMutt', () => {
  const ada: PersonDto = {
    kind: 'persona',
    id: 'p-2',
    persona: persona('p-2', [
      account('twitter+user:2', ['Ada\tLovelace'], 'display'),
      account('email+addr:ada@example.org', ['ADA@example.org'], 'email'),
      { ...account('mastodon+user:x', ['second@example.net'], 'email') },
    ]),
    notes: [],
  };
  const hit: LookupHit = { person: ada, matched: { name: 'Ada\tLovelace', kind: 'display', tier: 'prefix', externalId: 'twitter+user:2' }, score: 0.8 };

  it('writes a free first line, then address TAB name TAB other per address', () => {
    const lines = formatMutt('ada', [hit]).trimEnd().split('\n');
    expect(lines[0]).toContain('1 person');
    expect(lines.slice(1).map((l) => l.split('\t'))).toEqual([
      ['ada@example.org', 'Ada Lovelace', 'prefix match on twitter+user:2'],
      ['second@example.net', 'Ada Lovelace', 'prefix match on twitter+user:2'],
    ]);
  });

  it('finds addresses and the display name', () => {
    expect(emailAddresses(ada)).toEqual(['ada@example.org', 'second@example.net']);
    expect(displayName(ada)).toBe('Ada\tLovelace');
  });
});

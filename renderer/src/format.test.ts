import { describe, expect, it } from 'vitest';
import { MARK_END, MARK_START } from '../../shared/api.js';
import type { PersonDto } from '../../shared/people.js';
import { addressLine, displayName, handleOf, namesOverTime, personasOf, progressPercent, seenRange, snippetParts } from './format.js';

const person: PersonDto = {
  kind: 'human',
  id: 'h1',
  notes: [],
  human: {
    id: 'h1',
    isSelf: false,
    personas: [
      {
        id: 'p1',
        rel: 'owns',
        names: [],
        firstSeen: '2019-03-02T10:00:00.000Z',
        lastSeen: '2026-10-30T18:12:00.000Z',
        accounts: [
          {
            externalId: 'twitter+user:1',
            service: 'twitter',
            servicePretty: 'X',
            profile: {},
            firstSeen: null,
            lastSeen: null,
            names: [
              { name: '@old', kind: 'handle', firstSeen: '2019-01-01T00:00:00Z', lastSeen: '2019-03-02T00:00:00Z' },
              { name: '@new', kind: 'handle', firstSeen: '2020-01-01T00:00:00Z', lastSeen: '2026-10-30T00:00:00Z' },
              { name: 'Mira O.', kind: 'display', firstSeen: '2019-01-01T00:00:00Z', lastSeen: '2019-03-02T00:00:00Z' },
              { name: 'Mira Okonkwo', kind: 'display', firstSeen: '2020-01-01T00:00:00Z', lastSeen: '2026-10-30T00:00:00Z' },
            ],
          },
        ],
      },
      {
        id: 'p2',
        rel: 'participates',
        names: [],
        firstSeen: '2018-01-01T00:00:00.000Z',
        lastSeen: '2021-01-01T00:00:00.000Z',
        accounts: [
          { externalId: 'email+addr:m@x.example', service: 'email', servicePretty: 'Email', profile: {}, firstSeen: null, lastSeen: null, names: [{ name: 'm@x.example', kind: 'email', firstSeen: null, lastSeen: '2021-01-01T00:00:00Z' }] },
        ],
      },
    ],
  },
};

describe('renderer format helpers', () => {
  it('shows the most recent display name and handle', () => {
    expect(displayName(person)).toBe('Mira Okonkwo');
    expect(handleOf(person.kind === 'human' ? person.human.personas[0]!.accounts[0]! : (undefined as never))).toBe('@new');
  });

  it('builds an address line, stripping characters that would break it', () => {
    expect(addressLine(person)).toBe('Mira Okonkwo <m@x.example>');
  });

  it('lists their own personas first', () => {
    const swapped: PersonDto = person.kind === 'human' ? { ...person, human: { ...person.human, personas: [...person.human.personas].reverse() } } : person;
    expect(personasOf(swapped).map((p) => p.rel)).toEqual(['owns', 'participates']);
  });

  it('spans first and last seen over every persona', () => {
    expect(seenRange(person)).toEqual({ first: '2018-01-01T00:00:00.000Z', last: '2026-10-30T18:12:00.000Z' });
  });

  it('orders names over time, most recent first', () => {
    expect(namesOverTime(person).map((n) => n.name)).toEqual(['@new', 'Mira Okonkwo', 'm@x.example', '@old', 'Mira O.']);
  });

  it('splits snippets into plain and marked text, never HTML', () => {
    expect(snippetParts(`a ${MARK_START}b${MARK_END} <i>c</i> ${MARK_START}d`)).toEqual([
      { text: 'a ', marked: false },
      { text: 'b', marked: true },
      { text: ' <i>c</i> ', marked: false },
      { text: 'd', marked: true },
    ]);
    expect(snippetParts('')).toEqual([]);
  });

  it('computes progress only when the total is known', () => {
    expect(progressPercent(5, null)).toBeNull();
    expect(progressPercent(5, 0)).toBeNull();
    expect(progressPercent(50, 200)).toBe(25);
    expect(progressPercent(300, 200)).toBe(100);
  });
});

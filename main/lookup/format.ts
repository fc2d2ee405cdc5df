// How whois prints people.
//   - formatWhois: the original's "mostly YAML" layout (ORIGINAL §5, the seed README), with the
//     service's real name instead of a Python repr, and every scalar quoted when plain YAML would
//     misread it (`@arrdem` starts with a reserved indicator), so the output parses as YAML.
//   - formatMutt: mutt's query_command / khard format: a free-text first line, then one
//     `address<TAB>name<TAB>other` line per e-mail address.
import type { AccountDto, LookupHit, PersonaDto, PersonDto } from '../../shared/people.js';

const PLAIN = /^[\p{L}\p{N}][\p{L}\p{N} ._\-'()+/:@#&,!?]*$/u;
const RESERVED = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'null', 'y', 'n', '~']);
/** What YAML 1.1 or 1.2 would read as a number, date or time instead of a string. */
const NUMBER_LIKE = /^[-+]?(\.\d|\d[\d_]*(\.\d*)?([eE][-+]?\d+)?$|0[xob]|\.inf|\.nan)|^\d{4}-\d\d?-\d\d?|^[\d_:.+-]+$/i;

/** A YAML scalar: plain when that reads back as the same string, else double-quoted. */
export function yamlScalar(s: string): string {
  const plain = PLAIN.test(s) && !NUMBER_LIKE.test(s) && !/: | #|:$/.test(s) && !s.endsWith(' ') && !RESERVED.has(s.toLowerCase());
  if (plain) return s;
  // JSON strings are YAML double-quoted scalars; escape what YAML forbids or folds besides.
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function list(lines: string[], indent: string, key: string, items: string[]): void {
  if (items.length === 0) {
    lines.push(`${indent}${key}: []`);
    return;
  }
  lines.push(`${indent}${key}:`);
  for (const item of items) lines.push(`${indent}  - ${yamlScalar(item)}`);
}

function account(lines: string[], indent: string, a: AccountDto): void {
  lines.push(`${indent}- service: ${yamlScalar(a.servicePretty || a.service)}`);
  lines.push(`${indent}  foreign key: ${yamlScalar(a.externalId)}`);
  list(lines, `${indent}  `, 'names', a.names.map((n) => n.name));
  lines.push('');
}

/** The persona body (names, accounts) at `indent`; the caller writes the `persona:` line. */
function personaBody(lines: string[], indent: string, p: PersonaDto): void {
  list(lines, indent, 'names', p.names);
  lines.push('');
  if (p.accounts.length === 0) {
    lines.push(`${indent}accounts: []`);
    return;
  }
  lines.push(`${indent}accounts:`);
  for (const a of p.accounts) account(lines, `${indent}  `, a);
}

/** One `---` block per person, in rank order. */
export function formatWhois(people: readonly PersonDto[]): string {
  const lines: string[] = [];
  for (const person of people) {
    lines.push('---');
    if (person.kind === 'human') {
      lines.push(`human: ${yamlScalar(person.id)}`);
      if (person.human.isSelf) lines.push('self: true');
      lines.push(person.human.personas.length === 0 ? 'personas: []' : 'personas:');
      for (const p of person.human.personas) {
        lines.push(`  - persona: ${yamlScalar(p.id)}`);
        if (p.rel && p.rel !== 'owns') lines.push(`    rel: ${p.rel}`);
        personaBody(lines, '    ', p);
      }
    } else {
      lines.push(`persona: ${yamlScalar(person.id)}`);
      personaBody(lines, '', person.persona);
    }
    if (person.notes.length > 0) list(lines, '', 'notes', person.notes.map((n) => n.text));
    lines.push('');
  }
  return lines.join('\n');
}

function personas(p: PersonDto): PersonaDto[] {
  return p.kind === 'human' ? p.human.personas : [p.persona];
}

/** The name to show for a person: the most recently seen display name, else any non-address name. */
export function displayName(p: PersonDto): string {
  let best: { name: string; rank: number; seen: string } | null = null;
  for (const persona of personas(p)) {
    for (const a of persona.accounts) {
      for (const n of a.names) {
        const rank = n.kind === 'display' ? 0 : n.kind === 'alias' ? 1 : n.kind === 'handle' || n.kind === 'nick' ? 2 : 3;
        if (rank === 3) continue;
        const seen = n.lastSeen ?? '';
        if (!best || rank < best.rank || (rank === best.rank && seen > best.seen)) best = { name: n.name, rank, seen };
      }
    }
  }
  return best?.name ?? '';
}

/** Every e-mail address of a person: names of kind email and email+addr accounts. */
export function emailAddresses(p: PersonDto): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (addr: string) => {
    const a = addr.trim();
    if (a === '' || !a.includes('@') || seen.has(a.toLowerCase())) return;
    seen.add(a.toLowerCase());
    out.push(a);
  };
  for (const persona of personas(p)) {
    for (const a of persona.accounts) {
      if (a.externalId.startsWith('email+addr:')) add(a.externalId.slice('email+addr:'.length));
      for (const n of a.names) if (n.kind === 'email') add(n.name);
    }
  }
  return out;
}

const TAB_OR_NEWLINE = /[\t\r\n]+/g;

/** mutt/khard query output. `other` is the service the match was found on. */
export function formatMutt(pattern: string, hits: readonly LookupHit[]): string {
  const lines = [`skrode: ${hits.length} ${hits.length === 1 ? 'person' : 'people'} matching ${JSON.stringify(pattern)}`];
  for (const hit of hits) {
    const name = displayName(hit.person).replace(TAB_OR_NEWLINE, ' ');
    const other = `${hit.matched.tier} match on ${hit.matched.externalId}`.replace(TAB_OR_NEWLINE, ' ');
    for (const addr of emailAddresses(hit.person)) lines.push(`${addr.replace(TAB_OR_NEWLINE, ' ')}\t${name}\t${other}`);
  }
  return `${lines.join('\n')}\n`;
}

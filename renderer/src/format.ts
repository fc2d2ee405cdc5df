// Pure helpers for showing people and posts: best names, dates, snippet marks. No DOM here, so
// they are unit-tested in Node.
import { MARK_END, MARK_START } from '../../shared/api.js';
import type { AccountDto, NameDto, PersonaDto, PersonDto } from '../../shared/people.js';

const REL_ORDER: Record<string, number> = { owns: 0, participates: 1, suspected: 2 };

/** The person's personas, their own ones first, then those they take part in, then suspected. */
export function personasOf(p: PersonDto): PersonaDto[] {
  if (p.kind !== 'human') return [p.persona];
  return [...p.human.personas].sort((a, b) => (REL_ORDER[a.rel ?? ''] ?? 3) - (REL_ORDER[b.rel ?? ''] ?? 3));
}

export function accountsOf(p: PersonDto): AccountDto[] {
  return personasOf(p).flatMap((x) => x.accounts);
}

function t(s: string | null): number {
  return s ? Date.parse(s) || 0 : 0;
}

/** The name to show: the most recently seen display name, else the most recent name of any kind. */
export function displayName(p: PersonDto): string {
  const names = accountsOf(p).flatMap((a) => a.names);
  const display = names.filter((n) => n.kind === 'display').sort((a, b) => t(b.lastSeen) - t(a.lastSeen));
  if (display[0]) return display[0].name;
  const any = [...names].sort((a, b) => t(b.lastSeen) - t(a.lastSeen))[0];
  return any?.name ?? personasOf(p)[0]?.names[0] ?? 'Unknown';
}

/** What to copy for an account: its current handle, else its address or number, else any name. */
export function handleOf(a: AccountDto): string {
  const pick = (kinds: string[]) => a.names.filter((n) => kinds.includes(n.kind)).sort((x, y) => t(y.lastSeen) - t(x.lastSeen))[0]?.name;
  return pick(['handle', 'nick']) ?? pick(['email']) ?? pick(['phone']) ?? pick(['display', 'alias']) ?? a.externalId;
}

/** `Name <address>` for the person's most recently seen email address, when they have one. */
export function addressLine(p: PersonDto): string | null {
  const emails = accountsOf(p).flatMap((a) => a.names.filter((n) => n.kind === 'email')).sort((x, y) => t(y.lastSeen) - t(x.lastSeen));
  const e = emails[0];
  if (!e) return null;
  const name = displayName(p);
  return name && name !== e.name ? `${name.replace(/[<>"]/g, '')} <${e.name}>` : e.name;
}

/** The earliest first-seen and latest last-seen over every persona. */
export function seenRange(p: PersonDto): { first: string | null; last: string | null } {
  let first: string | null = null;
  let last: string | null = null;
  for (const x of personasOf(p)) {
    if (x.firstSeen && (!first || t(x.firstSeen) < t(first))) first = x.firstSeen;
    if (x.lastSeen && (!last || t(x.lastSeen) > t(last))) last = x.lastSeen;
  }
  return { first, last };
}

export interface NameOverTime extends NameDto {
  service: string;
  servicePretty: string;
}

/** Every name of every account, most recently seen first: how the person was known over time. */
export function namesOverTime(p: PersonDto): NameOverTime[] {
  return accountsOf(p)
    .flatMap((a) => a.names.map((n) => ({ ...n, service: a.service, servicePretty: a.servicePretty })))
    .sort((a, b) => t(b.lastSeen) - t(a.lastSeen) || t(b.firstSeen) - t(a.firstSeen));
}

export function formatDate(iso: string | null): string {
  if (!iso) return 'unknown';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'unknown';
  return d.toISOString().slice(0, 10);
}

export function formatDateTime(iso: string | null): string {
  if (!iso) return 'unknown';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'unknown';
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** A snippet split into plain and marked parts (rendered as text and <mark>, never as HTML). */
export function snippetParts(snippet: string): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  let rest = snippet;
  while (rest.length > 0) {
    const s = rest.indexOf(MARK_START);
    if (s < 0) {
      parts.push({ text: rest, marked: false });
      break;
    }
    if (s > 0) parts.push({ text: rest.slice(0, s), marked: false });
    const e = rest.indexOf(MARK_END, s + 1);
    const end = e < 0 ? rest.length : e;
    parts.push({ text: rest.slice(s + 1, end), marked: true });
    rest = e < 0 ? '' : rest.slice(e + 1);
  }
  return parts.filter((p) => p.text.length > 0);
}

export function progressPercent(done: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  return Math.max(0, Math.min(100, Math.round((100 * done) / total)));
}

// The read model of people, shared by the CLI (whois), the desktop renderer, `skrode serve` and
// the exporters. Plain data only: no node:*, no electron, no DOM.

export type PersonaRelDto = 'owns' | 'participates' | 'suspected';

export interface NameDto {
  name: string;
  kind: string;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface AccountDto {
  externalId: string;
  service: string;
  servicePretty: string;
  names: NameDto[];
  profile: Record<string, unknown>;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface PersonaDto {
  id: string;
  /** How the persona relates to its human, when it has one. */
  rel: PersonaRelDto | null;
  /** Every distinct name of every account (the original's `Persona.names`), most recent first. */
  names: string[];
  accounts: AccountDto[];
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface HumanDto {
  id: string;
  isSelf: boolean;
  personas: PersonaDto[];
}

export interface NoteDto {
  id: number;
  text: string;
  updatedAt: string;
}

/** A whois answer: a human with all its personas, or a persona that no human owns. */
export type PersonDto =
  | { kind: 'human'; id: string; human: HumanDto; notes: NoteDto[] }
  | { kind: 'persona'; id: string; persona: PersonaDto; notes: NoteDto[] };

export type MatchTier = 'exact' | 'prefix' | 'word-prefix' | 'substring' | 'fuzzy';

export interface LookupHit {
  person: PersonDto;
  /** The name that matched and how. */
  matched: { name: string; kind: string; tier: MatchTier; externalId: string };
  score: number;
}

// Grouping logical lines into cards: BEGIN:VCARD ... END:VCARD. Malformed lines and cards are
// reported with their line numbers; everything readable is still returned.

import { parseContentLine, Unfolder, VCardSyntaxError, type ContentLine, type LogicalLine } from './lines.js';

export interface RawCard {
  /** VERSION as written (2.1, 3.0, 4.0), or '' when the card has none. */
  version: string;
  props: ContentLine[];
  /** Line of BEGIN:VCARD. */
  line: number;
  /** Index of the card in the file, from 1. */
  index: number;
}

export interface CardProblem {
  line: number;
  reason: string;
}

export type CardEvent = { card: RawCard } | { problem: CardProblem };

/** Properties per card and cards' total size are capped so a hostile file cannot exhaust memory. */
const MAX_PROPS_PER_CARD = 5000;

export class CardReader {
  private card: RawCard | undefined;
  private depth = 0;
  private cards = 0;
  private strayReported = false;
  private tooManyReported = false;
  private readonly unfolder = new Unfolder();

  /** Feed one physical line. */
  *push(raw: string): Generator<CardEvent> {
    const l = this.unfolder.push(raw);
    if (l) yield* this.logical(l);
  }

  *end(): Generator<CardEvent> {
    const l = this.unfolder.end();
    if (l) yield* this.logical(l);
    if (this.card) {
      yield { problem: { line: this.card.line, reason: `card ${this.card.index} starting at line ${this.card.line} has no END:VCARD (file cut short?); imported what was there` } };
      yield { card: this.card };
      this.card = undefined;
    }
  }

  private *logical(l: LogicalLine & { tooLong?: boolean }): Generator<CardEvent> {
    if (l.text.trim() === '') return;
    if (l.tooLong) {
      yield { problem: { line: l.line, reason: `line ${l.line}: property longer than the limit; skipped` } };
      return;
    }
    let prop: ContentLine;
    try {
      prop = parseContentLine(l);
    } catch (e) {
      if (!this.card) return yield* this.stray(l);
      yield { problem: { line: l.line, reason: e instanceof VCardSyntaxError ? e.message : String(e) } };
      return;
    }
    const value = prop.value.trim().toUpperCase();
    if (prop.name === 'BEGIN' && value === 'VCARD') {
      if (this.card) {
        // vCard 2.1 AGENT cards nest; anything else is a card missing its END.
        if (this.card.props.at(-1)?.name === 'AGENT') {
          this.depth++;
          return;
        }
        yield { problem: { line: this.card.line, reason: `card ${this.card.index} starting at line ${this.card.line} has no END:VCARD before line ${l.line}; imported what was there` } };
        yield { card: this.card };
      }
      this.cards++;
      this.card = { version: '', props: [], line: l.line, index: this.cards };
      this.strayReported = false;
      this.tooManyReported = false;
      return;
    }
    if (!this.card) return yield* this.stray(l);
    if (prop.name === 'END' && value === 'VCARD') {
      if (this.depth > 0) {
        this.depth--;
        return;
      }
      const card = this.card;
      this.card = undefined;
      yield { card };
      return;
    }
    if (this.depth > 0) return; // inside a nested AGENT card
    if (prop.name === 'VERSION') {
      this.card.version = prop.value.trim();
      return;
    }
    if (this.card.props.length >= MAX_PROPS_PER_CARD) {
      if (!this.tooManyReported) {
        this.tooManyReported = true;
        yield { problem: { line: l.line, reason: `line ${l.line}: card ${this.card.index} at line ${this.card.line} has more than ${MAX_PROPS_PER_CARD} properties; the rest are skipped` } };
      }
      return;
    }
    this.card.props.push(prop);
  }

  private *stray(l: LogicalLine): Generator<CardEvent> {
    if (this.strayReported) return;
    this.strayReported = true;
    yield { problem: { line: l.line, reason: `line ${l.line}: text outside BEGIN:VCARD … END:VCARD ignored: ${JSON.stringify(l.text.slice(0, 60))}` } };
  }
}

/** Read every card of a whole text (tests and small inputs; the importer streams). */
export function readCards(text: string): { cards: RawCard[]; problems: CardProblem[] } {
  const reader = new CardReader();
  const cards: RawCard[] = [];
  const problems: CardProblem[] = [];
  const take = (e: CardEvent) => ('card' in e ? cards.push(e.card) : problems.push(e.problem));
  for (const raw of text.split(/\r\n|\n|\r/)) for (const e of reader.push(raw)) take(e);
  for (const e of reader.end()) take(e);
  return { cards, problems };
}

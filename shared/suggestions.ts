// Suggestions: addresses seen under a mail header whose capture action is `suggest` (config.yml
// `email.headers`), kept for the user to accept as a contact or dismiss, as BBDB's `query` action
// asks an interactive user. Shared by the store, the CLI and the renderer.

export const SUGGESTION_STATES = ['pending', 'accepted', 'dismissed'] as const;
export type SuggestionState = (typeof SUGGESTION_STATES)[number];

export interface SuggestionDto {
  /** The address, lower-case and canonical (`email+addr:` without the prefix). */
  address: string;
  /** Display names it was seen with, oldest first. */
  names: string[];
  /** How many messages it was seen in. */
  count: number;
  /** ISO times of the oldest and newest message it was seen in, when they had a date. */
  firstSeen: string | null;
  lastSeen: string | null;
  /** Where it was last seen: `mbox /path/file.mbox`, `maildir /path`, `imap:work`. */
  source: string;
  state: SuggestionState;
}

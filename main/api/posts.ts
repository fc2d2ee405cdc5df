// Reading posts for the desktop app: full-text search with filters, a person's recent posts and
// their last interaction. One interface, one implementation per dialect (posts-sqlite.ts over
// FTS5 `posts_fts`, posts-postgres.ts over the tsvector `search` column). People are given as
// the external ids of their accounts (the caller resolves a person id through Store.person()).

import type { InteractionDto, PostDto } from '../../shared/api.js';

export interface PostFilter {
  /** The search text as typed; an empty search finds nothing. */
  text: string;
  /** Only posts by these accounts (external ids). */
  posters?: readonly string[];
  service?: string;
  /** Milliseconds since the epoch: posted at or after. */
  fromMs?: number;
  /** Milliseconds since the epoch: posted before. */
  toMs?: number;
  direct?: boolean;
  limit: number;
}

export interface PostReader {
  search(f: PostFilter): Promise<PostDto[]>;
  recent(accounts: readonly string[], limit: number): Promise<PostDto[]>;
  lastInteraction(accounts: readonly string[]): Promise<InteractionDto | null>;
}

/** Relations of a post's distribution that make it a direct message rather than a public post. */
export const DIRECT_RELS = ['to', 'cc', 'bcc'] as const;
/** Words either side of a match that a snippet keeps. */
export const SNIPPET_WORDS = 16;

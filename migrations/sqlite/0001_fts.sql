-- Full-text indexes, written by hand (drizzle-kit cannot express FTS5; its config filters these
-- tables out). All three are external-content tables over the base tables, keyed by their integer
-- ids. They are maintained by the store's writer in the same transaction as the base rows, not by
-- triggers: per-row triggers made bulk imports 3x slower here. fts-consistency tests check that
-- every write path keeps them in step (FTS5 'integrity-check').
--
-- names_fts: word tokens of the folded name, with prefix indexes for as-you-type lookup.
CREATE VIRTUAL TABLE names_fts USING fts5(fold, content='names', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
--> statement-breakpoint
-- names_tri: trigrams of the folded name, for substring and typo-tolerant lookup.
CREATE VIRTUAL TABLE names_tri USING fts5(fold, content='names', content_rowid='id', tokenize='trigram remove_diacritics 1', detail='none');
--> statement-breakpoint
-- posts_fts: post text for full-text search with snippets.
CREATE VIRTUAL TABLE posts_fts USING fts5(text, content='posts', content_rowid='id', tokenize='unicode61 remove_diacritics 2');

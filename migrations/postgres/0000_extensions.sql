-- pg_trgm backs the fuzzy and substring name lookups (gin_trgm_ops indexes in the next migration),
-- so it must exist before the schema migration runs.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

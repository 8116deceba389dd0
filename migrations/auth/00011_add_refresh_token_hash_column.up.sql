-- Nhost Auth migration 11 (add_refresh_token_hash_column): a stored generated column holding
-- the text rendering of sha256(token), i.e. '\x' + 64 lower-case hex digits (SCHEMA.md §10.4).
-- The bytea result reaches varchar through its output function, so pin the hex output format
-- for this transaction: with bytea_output = escape the hashes would not match what the server
-- computes.
SET LOCAL bytea_output = 'hex';

ALTER TABLE auth.refresh_tokens
  ADD COLUMN refresh_token_hash varchar(255)
  GENERATED ALWAYS AS (sha256(refresh_token::text::bytea)) STORED;

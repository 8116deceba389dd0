-- Nhost Auth migration 13 (add_refresh_token_type): an enum, replaced by a lookup table in 14.
CREATE TYPE auth.refresh_token_type AS ENUM ('regular', 'pat');

ALTER TABLE auth.refresh_tokens
  ADD COLUMN type auth.refresh_token_type DEFAULT 'regular' NOT NULL;

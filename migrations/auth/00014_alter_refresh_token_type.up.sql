-- Nhost Auth migration 14 (alter_refresh_token_type): the enum becomes text plus a lookup table
-- (tracked by Hasura as an enum table).
ALTER TABLE auth.refresh_tokens ALTER COLUMN type DROP DEFAULT;
ALTER TABLE auth.refresh_tokens ALTER COLUMN type TYPE text;
DROP TYPE auth.refresh_token_type;

CREATE TABLE auth.refresh_token_types (
  value text NOT NULL,
  comment text,
  CONSTRAINT refresh_token_types_pkey PRIMARY KEY (value)
);

INSERT INTO auth.refresh_token_types (value, comment)
  VALUES
    ('regular', 'Regular refresh token'),
    ('pat', 'Personal access token');

ALTER TABLE auth.refresh_tokens
  ADD CONSTRAINT refresh_tokens_types_fkey FOREIGN KEY (type)
  REFERENCES auth.refresh_token_types (value) ON UPDATE RESTRICT ON DELETE RESTRICT;

ALTER TABLE auth.refresh_tokens ALTER COLUMN type SET DEFAULT 'regular';

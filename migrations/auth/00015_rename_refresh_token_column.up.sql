-- Nhost Auth migration 15 (rename_refresh_token_column): the token column becomes the row id
-- (so rows created before this migration keep id = plaintext token), new rows get a random id,
-- and the generated hash column becomes a plain column with the same values, last in column
-- order.
ALTER TABLE auth.refresh_tokens RENAME COLUMN refresh_token TO id;

-- Unqualified on purpose: resolves to the built-in pg_catalog.gen_random_uuid(), as in the
-- reference (the other tables use pgcrypto's public.gen_random_uuid()).
ALTER TABLE auth.refresh_tokens ALTER COLUMN id SET DEFAULT gen_random_uuid();

ALTER TABLE auth.refresh_tokens ADD COLUMN refresh_token_hash_plain varchar(255);
UPDATE auth.refresh_tokens SET refresh_token_hash_plain = refresh_token_hash;
ALTER TABLE auth.refresh_tokens DROP COLUMN refresh_token_hash;
ALTER TABLE auth.refresh_tokens RENAME COLUMN refresh_token_hash_plain TO refresh_token_hash;

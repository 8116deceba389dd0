-- Nhost Auth migration 2 (custom-user-fields): free-form user metadata.
ALTER TABLE auth.users ADD COLUMN metadata jsonb;

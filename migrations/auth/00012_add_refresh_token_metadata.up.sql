-- Nhost Auth migration 12 (add_refresh_token_metadata): personal access token metadata.
ALTER TABLE auth.refresh_tokens ADD COLUMN metadata jsonb;

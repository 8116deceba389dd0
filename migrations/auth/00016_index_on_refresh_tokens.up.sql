-- Nhost Auth migration 16 (index_on_refresh_tokens): the refresh-token lookup index.
CREATE INDEX IF NOT EXISTS refresh_tokens_refresh_token_hash_expires_at_user_id_idx
  ON auth.refresh_tokens (refresh_token_hash, expires_at, user_id);

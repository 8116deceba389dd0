-- Latchkey migration 1: rotated-out refresh-token hashes, for refresh-token reuse detection.
-- Latchkey's own objects live in schema latchkey and are bookkept in latchkey.schema_migrations,
-- never in auth.schema_migrations (a future Nhost migration 28 must not collide with ours).
-- The runner creates the schema before its bookkeeping table; IF NOT EXISTS keeps this file
-- self-contained.
CREATE SCHEMA IF NOT EXISTS latchkey;

CREATE TABLE latchkey.refresh_token_rotations (
  old_token_hash text NOT NULL,
  refresh_token_id uuid NOT NULL,
  next_token_sealed text NOT NULL,
  rotated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT refresh_token_rotations_pkey PRIMARY KEY (old_token_hash),
  CONSTRAINT refresh_token_rotations_refresh_token_id_fkey FOREIGN KEY (refresh_token_id)
    REFERENCES auth.refresh_tokens (id) ON DELETE CASCADE
);

CREATE INDEX refresh_token_rotations_refresh_token_id_idx
  ON latchkey.refresh_token_rotations (refresh_token_id);
CREATE INDEX refresh_token_rotations_rotated_at_idx
  ON latchkey.refresh_token_rotations (rotated_at);

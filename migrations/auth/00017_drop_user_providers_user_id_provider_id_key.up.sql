-- Nhost Auth migration 17 (drop_user_providers_user_id_provider_id_key): one user may link
-- several accounts of the same provider.
ALTER TABLE auth.user_providers DROP CONSTRAINT IF EXISTS user_providers_user_id_provider_id_key;

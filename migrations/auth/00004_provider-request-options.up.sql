-- Nhost Auth migration 4 (provider-request-options): provider_requests keeps the whole
-- sign-in options instead of a bare redirect URL.
ALTER TABLE auth.provider_requests DROP COLUMN redirect_url;
ALTER TABLE auth.provider_requests ADD COLUMN options jsonb;

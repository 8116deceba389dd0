-- Nhost Auth migration 7 (add_authenticator_nickname).
ALTER TABLE auth.user_authenticators ADD COLUMN nickname text;

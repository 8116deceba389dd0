-- Nhost Auth migration 24 (user_new_phone_number): a staged, unverified phone number (not
-- unique; phone_number keeps only claimed numbers).
ALTER TABLE auth.users ADD COLUMN new_phone_number text;

-- Nhost Auth migration 23 (otp_attempts): failed guesses against the current otp_hash.
ALTER TABLE auth.users ADD COLUMN otp_attempts smallint NOT NULL DEFAULT 0;

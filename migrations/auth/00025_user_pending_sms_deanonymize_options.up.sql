-- Nhost Auth migration 25 (user_pending_sms_deanonymize_options): sign-up options applied when
-- an anonymous user's SMS code is verified.
ALTER TABLE auth.users ADD COLUMN pending_sms_deanonymize_options jsonb;

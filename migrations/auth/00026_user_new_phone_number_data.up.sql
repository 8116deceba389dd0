-- Nhost Auth migration 26 (user_new_phone_number_data), data only: moves unverified SMS
-- sign-up placeholders from phone_number to new_phone_number. Only users that never got past
-- the SMS code (nothing else set, nothing referencing them) qualify; others are left alone.
UPDATE auth.users AS u
SET new_phone_number = u.phone_number,
    phone_number = NULL
WHERE u.phone_number IS NOT NULL
  AND u.new_phone_number IS NULL
  AND u.phone_number_verified = false
  AND u.email IS NULL
  AND u.new_email IS NULL
  AND u.email_verified = false
  AND u.password_hash IS NULL
  AND u.is_anonymous = false
  AND u.last_seen IS NULL
  AND u.otp_method_last_used = 'sms'
  AND u.pending_sms_deanonymize_options IS NULL
  AND u.totp_secret IS NULL
  AND u.active_mfa_type IS NULL
  AND u.ticket IS NULL
  AND u.webauthn_current_challenge IS NULL
  AND NOT EXISTS (SELECT 1 FROM auth.user_providers p WHERE p.user_id = u.id)
  AND NOT EXISTS (SELECT 1 FROM auth.user_security_keys k WHERE k.user_id = u.id)
  AND NOT EXISTS (SELECT 1 FROM auth.refresh_tokens r WHERE r.user_id = u.id)
  AND NOT EXISTS (SELECT 1 FROM auth.oauth2_auth_requests a WHERE a.user_id = u.id)
  AND NOT EXISTS (SELECT 1 FROM auth.oauth2_refresh_tokens o WHERE o.user_id = u.id)
  AND NOT EXISTS (SELECT 1 FROM auth.pkce_authorization_codes c WHERE c.user_id = u.id)
  AND NOT EXISTS (SELECT 1 FROM auth.oauth2_clients cl WHERE cl.created_by = u.id);

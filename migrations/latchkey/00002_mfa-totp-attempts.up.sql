-- Latchkey migration 2: wrong TOTP codes at MFA sign-in, per user, for the attempt limit
-- (AUTH_OTP_MAX_ATTEMPTS). Kept apart from auth.users.otp_attempts, which counts e-mail and SMS
-- codes and is reset whenever a new such code is sent: sharing it would let a request for an
-- e-mail code reset the TOTP budget, and TOTP guesses burn a pending e-mail code.
CREATE TABLE latchkey.mfa_totp_attempts (
  user_id uuid NOT NULL,
  failed_attempts integer NOT NULL,
  window_started_at timestamp with time zone NOT NULL,
  CONSTRAINT mfa_totp_attempts_pkey PRIMARY KEY (user_id),
  CONSTRAINT mfa_totp_attempts_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES auth.users (id) ON DELETE CASCADE
);

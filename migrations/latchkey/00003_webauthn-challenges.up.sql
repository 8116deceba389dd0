-- Latchkey migration 3: pending WebAuthn ceremonies, shared by every instance.
-- The reference kept challenges in process memory (a ceremony begun on one replica could not be
-- finished on another) and let a challenge be replayed until it expired. Here a challenge is a row:
-- finishing a ceremony deletes it in the same statement that reads it (single use), and it only
-- matches for the ceremony and the user it was issued for.
CREATE SCHEMA IF NOT EXISTS latchkey;

CREATE TABLE latchkey.webauthn_challenges (
  -- The challenge exactly as sent to the browser (unpadded base64url of 32 random bytes).
  challenge text NOT NULL,
  -- signup | signin | add-key | elevate
  ceremony text NOT NULL,
  -- The user the challenge was issued for: the future user's id for a sign-up, the caller for
  -- adding a key or elevating, the user of an e-mail-first sign-in; NULL for a discoverable sign-in.
  user_id uuid,
  -- Sign-up only: the e-mail address and the validated sign-up options.
  email text,
  options jsonb,
  expires_at timestamp with time zone NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT webauthn_challenges_pkey PRIMARY KEY (challenge),
  CONSTRAINT webauthn_challenges_ceremony_check CHECK (ceremony IN ('signup', 'signin', 'add-key', 'elevate'))
);

CREATE INDEX webauthn_challenges_expires_at_idx ON latchkey.webauthn_challenges (expires_at);

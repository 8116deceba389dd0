-- Nhost Auth migration 6 (setup-webauthn): WebAuthn credentials (renamed to
-- user_security_keys in migration 9) and the legacy per-user challenge column.
ALTER TABLE auth.users ADD COLUMN webauthn_current_challenge text;

CREATE TABLE auth.user_authenticators (
  id uuid DEFAULT public.gen_random_uuid() NOT NULL,
  user_id uuid NOT NULL,
  credential_id text NOT NULL,
  credential_public_key bytea,
  counter bigint DEFAULT 0 NOT NULL,
  transports varchar(255) DEFAULT '' NOT NULL,
  CONSTRAINT user_authenticators_pkey PRIMARY KEY (id),
  CONSTRAINT user_authenticators_credential_id_key UNIQUE (credential_id)
);

COMMENT ON TABLE auth.user_authenticators IS 'User webauthn authenticators. Don''t modify its structure as Hasura Auth relies on it to function properly.';

ALTER TABLE auth.user_authenticators
  ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES auth.users (id) ON UPDATE CASCADE ON DELETE CASCADE;

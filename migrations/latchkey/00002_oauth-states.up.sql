-- Latchkey migration 2: started provider sign-ins, for single-use OAuth state (compat S-oauth-1).
-- The signed `state` sent to the provider carries only this row's id and the hash of a nonce held
-- in an HttpOnly cookie of the browser that started the flow. Everything else of the flow (sign-up
-- options, redirect target, the user id to link, PKCE verifier towards the provider, OpenID nonce)
-- stays here, sealed with AUTH_ENCRYPTION_KEY; the callback deletes the row as it reads it.
CREATE TABLE latchkey.oauth_states (
  id uuid NOT NULL,
  provider_id text NOT NULL,
  flow_sealed text NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT oauth_states_pkey PRIMARY KEY (id)
);

CREATE INDEX oauth_states_expires_at_idx ON latchkey.oauth_states (expires_at);

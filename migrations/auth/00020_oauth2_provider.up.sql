-- Nhost Auth migration 20 (oauth2_provider): storage of the OAuth2/OIDC identity provider.
-- The fixed-set scope CHECKs created here are dropped again by migration 22.

CREATE OR REPLACE FUNCTION auth.generate_oauth2_client_id() RETURNS text
  LANGUAGE sql
  AS $$
  SELECT 'nhoa_' || substring(encode(sha256(gen_random_uuid()::text::bytea), 'hex') from 1 for 16);
$$;

CREATE OR REPLACE FUNCTION auth.check_oauth2_client_secret_hash() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.client_secret_hash IS NOT NULL
     AND NEW.client_secret_hash !~ '^\$2[aby]?\$' THEN
    RAISE EXCEPTION 'client_secret_hash must be a bcrypt hash'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TABLE auth.oauth2_clients (
  client_id text DEFAULT auth.generate_oauth2_client_id() NOT NULL,
  client_secret_hash text,
  redirect_uris text[] DEFAULT '{}' NOT NULL,
  scopes text[] DEFAULT '{openid,profile,email,phone,offline_access,graphql}' NOT NULL,
  type text DEFAULT 'registered' NOT NULL,
  metadata jsonb,
  metadata_document_fetched_at timestamp with time zone,
  created_by uuid,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT oauth2_clients_pkey PRIMARY KEY (client_id),
  CONSTRAINT fk_oauth2_clients_created_by FOREIGN KEY (created_by)
    REFERENCES auth.users (id) ON UPDATE CASCADE ON DELETE SET NULL,
  CONSTRAINT oauth2_clients_type_check CHECK (type IN ('registered', 'client_id_metadata_document')),
  CONSTRAINT oauth2_clients_scopes_check
    CHECK (scopes <@ ARRAY['openid', 'profile', 'email', 'phone', 'offline_access', 'graphql'])
);

COMMENT ON TABLE auth.oauth2_clients IS 'Registered OAuth2 client applications for the identity provider.';

CREATE INDEX IF NOT EXISTS oauth2_clients_created_by_idx ON auth.oauth2_clients (created_by);

CREATE TRIGGER set_auth_oauth2_clients_updated_at
  BEFORE UPDATE ON auth.oauth2_clients
  FOR EACH ROW
  EXECUTE FUNCTION auth.set_current_timestamp_updated_at();

CREATE TRIGGER check_oauth2_client_secret_hash
  BEFORE INSERT OR UPDATE ON auth.oauth2_clients
  FOR EACH ROW
  EXECUTE FUNCTION auth.check_oauth2_client_secret_hash();

CREATE TABLE auth.oauth2_auth_requests (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  client_id text NOT NULL,
  scopes text[] DEFAULT '{}' NOT NULL,
  redirect_uri text NOT NULL,
  state text,
  nonce text,
  response_type text NOT NULL,
  code_challenge text,
  code_challenge_method text,
  resource text,
  user_id uuid,
  done boolean DEFAULT false NOT NULL,
  auth_time timestamp with time zone,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  CONSTRAINT oauth2_auth_requests_pkey PRIMARY KEY (id),
  CONSTRAINT fk_oauth2_auth_requests_client FOREIGN KEY (client_id)
    REFERENCES auth.oauth2_clients (client_id) ON UPDATE CASCADE ON DELETE CASCADE,
  CONSTRAINT fk_oauth2_auth_requests_user FOREIGN KEY (user_id)
    REFERENCES auth.users (id) ON UPDATE CASCADE ON DELETE CASCADE,
  CONSTRAINT oauth2_auth_requests_scopes_check
    CHECK (scopes <@ ARRAY['openid', 'profile', 'email', 'phone', 'offline_access', 'graphql'])
);

COMMENT ON TABLE auth.oauth2_auth_requests IS 'In-flight OAuth2 authorization requests.';

CREATE INDEX IF NOT EXISTS oauth2_auth_requests_client_id_idx ON auth.oauth2_auth_requests (client_id);
CREATE INDEX IF NOT EXISTS oauth2_auth_requests_expires_at_idx ON auth.oauth2_auth_requests (expires_at);
CREATE INDEX IF NOT EXISTS oauth2_auth_requests_user_id_idx ON auth.oauth2_auth_requests (user_id);

CREATE TABLE auth.oauth2_authorization_codes (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  code_hash text NOT NULL,
  auth_request_id uuid NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  CONSTRAINT oauth2_authorization_codes_pkey PRIMARY KEY (id),
  CONSTRAINT oauth2_authorization_codes_code_hash_key UNIQUE (code_hash),
  CONSTRAINT fk_oauth2_authorization_codes_auth_request FOREIGN KEY (auth_request_id)
    REFERENCES auth.oauth2_auth_requests (id) ON UPDATE CASCADE ON DELETE CASCADE
);

COMMENT ON TABLE auth.oauth2_authorization_codes IS 'OAuth2 authorization codes pending exchange for tokens.';

CREATE INDEX IF NOT EXISTS oauth2_authorization_codes_expires_at_idx
  ON auth.oauth2_authorization_codes (expires_at);

CREATE TABLE auth.oauth2_refresh_tokens (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  token_hash text NOT NULL,
  auth_request_id uuid,
  client_id text NOT NULL,
  user_id uuid NOT NULL,
  scopes text[] DEFAULT '{}' NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  CONSTRAINT oauth2_refresh_tokens_pkey PRIMARY KEY (id),
  CONSTRAINT oauth2_refresh_tokens_token_hash_key UNIQUE (token_hash),
  CONSTRAINT fk_oauth2_refresh_tokens_auth_request FOREIGN KEY (auth_request_id)
    REFERENCES auth.oauth2_auth_requests (id) ON UPDATE CASCADE ON DELETE SET NULL,
  CONSTRAINT fk_oauth2_refresh_tokens_client FOREIGN KEY (client_id)
    REFERENCES auth.oauth2_clients (client_id) ON UPDATE CASCADE ON DELETE CASCADE,
  CONSTRAINT fk_oauth2_refresh_tokens_user FOREIGN KEY (user_id)
    REFERENCES auth.users (id) ON UPDATE CASCADE ON DELETE CASCADE,
  CONSTRAINT oauth2_refresh_tokens_scopes_check
    CHECK (scopes <@ ARRAY['openid', 'profile', 'email', 'phone', 'offline_access', 'graphql'])
);

COMMENT ON TABLE auth.oauth2_refresh_tokens IS 'OAuth2 refresh tokens with client and scope binding.';

CREATE INDEX IF NOT EXISTS oauth2_refresh_tokens_user_id_idx ON auth.oauth2_refresh_tokens (user_id);
CREATE INDEX IF NOT EXISTS oauth2_refresh_tokens_client_id_idx ON auth.oauth2_refresh_tokens (client_id);
CREATE INDEX IF NOT EXISTS oauth2_refresh_tokens_expires_at_idx ON auth.oauth2_refresh_tokens (expires_at);

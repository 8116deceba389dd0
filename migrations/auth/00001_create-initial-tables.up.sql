-- Nhost Auth migration 1 (create-initial-tables): extensions, the updated_at trigger function,
-- the auth.email domain, the base tables with their keys, foreign keys, triggers and seed rows.
-- refresh_tokens is still keyed by the plaintext token (renamed to id in migration 15) and
-- provider_requests still has redirect_url (replaced in migration 4).

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

CREATE FUNCTION auth.set_current_timestamp_updated_at() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  _new record;
BEGIN
  _new := new;
  _new."updated_at" = now();
  RETURN _new;
END;
$$;

-- citext and its ~ operator are left unqualified, as in the reference, so a database whose
-- citext already lives in another schema on the search_path works the same way. With the
-- extension in public this resolves to public.citext and OPERATOR(public.~).
CREATE DOMAIN auth.email AS citext
  CONSTRAINT email_check CHECK (VALUE ~ '^[a-zA-Z0-9.!#$%&''*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$');

CREATE TABLE auth.user_providers (
  id uuid DEFAULT public.gen_random_uuid() NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  user_id uuid NOT NULL,
  access_token text NOT NULL,
  refresh_token text,
  provider_id text NOT NULL,
  provider_user_id text NOT NULL,
  CONSTRAINT user_providers_pkey PRIMARY KEY (id),
  CONSTRAINT user_providers_user_id_provider_id_key UNIQUE (user_id, provider_id),
  CONSTRAINT user_providers_provider_id_provider_user_id_key UNIQUE (provider_id, provider_user_id)
);

CREATE TABLE auth.user_roles (
  id uuid DEFAULT public.gen_random_uuid() NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  user_id uuid NOT NULL,
  role text NOT NULL,
  CONSTRAINT user_roles_pkey PRIMARY KEY (id),
  CONSTRAINT user_roles_user_id_role_key UNIQUE (user_id, role)
);

CREATE TABLE auth.users (
  id uuid DEFAULT public.gen_random_uuid() NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  last_seen timestamp with time zone,
  disabled boolean DEFAULT false NOT NULL,
  display_name text DEFAULT '' NOT NULL,
  avatar_url text DEFAULT '' NOT NULL,
  locale varchar(2) NOT NULL,
  email auth.email,
  phone_number text,
  password_hash text,
  email_verified boolean DEFAULT false NOT NULL,
  phone_number_verified boolean DEFAULT false NOT NULL,
  new_email auth.email,
  otp_method_last_used text,
  otp_hash text,
  otp_hash_expires_at timestamp with time zone DEFAULT now() NOT NULL,
  default_role text DEFAULT 'user' NOT NULL,
  is_anonymous boolean DEFAULT false NOT NULL,
  totp_secret text,
  active_mfa_type text,
  ticket text,
  ticket_expires_at timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_email_key UNIQUE (email),
  CONSTRAINT users_phone_number_key UNIQUE (phone_number)
);

CREATE TABLE auth.providers (
  id text NOT NULL,
  CONSTRAINT providers_pkey PRIMARY KEY (id)
);

CREATE TABLE auth.refresh_tokens (
  refresh_token uuid NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  expires_at timestamp with time zone NOT NULL,
  user_id uuid NOT NULL,
  CONSTRAINT refresh_tokens_pkey PRIMARY KEY (refresh_token)
);

CREATE TABLE auth.roles (
  role text NOT NULL,
  CONSTRAINT roles_pkey PRIMARY KEY (role)
);

CREATE TABLE auth.provider_requests (
  id uuid NOT NULL,
  redirect_url text NOT NULL,
  CONSTRAINT provider_requests_pkey PRIMARY KEY (id)
);

ALTER TABLE auth.user_providers
  ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES auth.users (id) ON UPDATE CASCADE ON DELETE CASCADE;
ALTER TABLE auth.user_providers
  ADD CONSTRAINT fk_provider FOREIGN KEY (provider_id) REFERENCES auth.providers (id) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE auth.user_roles
  ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES auth.users (id) ON UPDATE CASCADE ON DELETE CASCADE;
ALTER TABLE auth.user_roles
  ADD CONSTRAINT fk_role FOREIGN KEY (role) REFERENCES auth.roles (role) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE auth.users
  ADD CONSTRAINT fk_default_role FOREIGN KEY (default_role) REFERENCES auth.roles (role) ON UPDATE CASCADE ON DELETE RESTRICT;
ALTER TABLE auth.refresh_tokens
  ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES auth.users (id) ON UPDATE CASCADE ON DELETE CASCADE;

CREATE TRIGGER set_auth_user_providers_updated_at
  BEFORE UPDATE ON auth.user_providers
  FOR EACH ROW
  EXECUTE FUNCTION auth.set_current_timestamp_updated_at();

CREATE TRIGGER set_auth_users_updated_at
  BEFORE UPDATE ON auth.users
  FOR EACH ROW
  EXECUTE FUNCTION auth.set_current_timestamp_updated_at();

ALTER TABLE auth.users
  ADD CONSTRAINT active_mfa_types_check CHECK (active_mfa_type = 'totp' OR active_mfa_type = 'sms');

INSERT INTO auth.roles (role)
  VALUES ('user'), ('anonymous'), ('me');

INSERT INTO auth.providers (id)
  VALUES
    ('github'),
    ('facebook'),
    ('twitter'),
    ('google'),
    ('apple'),
    ('linkedin'),
    ('windowslive'),
    ('spotify'),
    ('strava'),
    ('gitlab'),
    ('bitbucket');

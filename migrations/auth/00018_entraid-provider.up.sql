-- Nhost Auth migration 18 (entraid-provider): the last migration of the archived hasura-auth.
INSERT INTO auth.providers (id)
  VALUES ('entraid')
  ON CONFLICT DO NOTHING;

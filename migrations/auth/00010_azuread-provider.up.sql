-- Nhost Auth migration 10 (azuread-provider).
INSERT INTO auth.providers (id)
  VALUES ('azuread')
  ON CONFLICT DO NOTHING;

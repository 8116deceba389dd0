-- Nhost Auth migration 8 (workos-provider).
INSERT INTO auth.providers (id)
  VALUES ('workos')
  ON CONFLICT DO NOTHING;

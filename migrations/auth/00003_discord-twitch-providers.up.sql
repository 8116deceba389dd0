-- Nhost Auth migration 3 (discord-twitch-providers).
INSERT INTO auth.providers (id)
  VALUES ('discord'), ('twitch')
  ON CONFLICT DO NOTHING;

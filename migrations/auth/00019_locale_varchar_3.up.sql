-- Nhost Auth migration 19 (locale_varchar_3): three-letter locales such as "fil".
ALTER TABLE auth.users ALTER COLUMN locale TYPE varchar(3);

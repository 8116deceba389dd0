import type { Queryable } from './db.js';

/**
 * Checks that a database really holds what its recorded `auth.schema_migrations` version
 * promises (SCHEMA-NEWER.md §3, "Recognising a database"). Preview builds of Nhost Auth shipped
 * migration files whose numbers collide with the main line (for example a branch-only 24 that
 * adds `totp_attempts`), so a recorded version alone cannot be trusted: migrating such a
 * database forward would skip objects we rely on. Only catalog tables are read, so the check
 * needs no privileges on the objects themselves.
 */
export interface SchemaProbe {
  /** The migration that creates the object. */
  version: number;
  /** Human-readable name of the object, for the error message. */
  object: string;
  sql: string;
  params: readonly unknown[];
}

const TABLE_SQL = `SELECT EXISTS (
  SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'auth' AND c.relname = $1 AND c.relkind IN ('r', 'p')) AS ok`;

const COLUMN_SQL = `SELECT EXISTS (
  SELECT 1 FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'auth' AND c.relname = $1 AND a.attname = $2
    AND a.attnum > 0 AND NOT a.attisdropped) AS ok`;

const INDEX_SQL = `SELECT EXISTS (
  SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'auth' AND c.relname = $1 AND c.relkind IN ('i', 'I')) AS ok`;

const FUNCTION_SQL = `SELECT EXISTS (
  SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = 'auth' AND p.proname = $1) AS ok`;

// varchar(n) stores n + 4 in atttypmod; -1 means unbounded, which also fits 3 characters.
const LOCALE_WIDTH_SQL = `SELECT EXISTS (
  SELECT 1 FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'auth' AND c.relname = 'users' AND a.attname = 'locale'
    AND NOT a.attisdropped AND (a.atttypmod = -1 OR a.atttypmod - 4 >= 3)) AS ok`;

const table = (version: number, name: string): SchemaProbe => ({
  version,
  object: `table auth.${name}`,
  sql: TABLE_SQL,
  params: [name],
});

const column = (version: number, tableName: string, name: string): SchemaProbe => ({
  version,
  object: `column auth.${tableName}.${name}`,
  sql: COLUMN_SQL,
  params: [tableName, name],
});

/** Cumulative: a database at version v must pass every probe with `version <= v`. */
export const AUTH_SCHEMA_PROBES: readonly SchemaProbe[] = [
  table(1, 'users'),
  table(1, 'refresh_tokens'),
  column(2, 'users', 'metadata'),
  column(4, 'provider_requests', 'options'),
  column(6, 'users', 'webauthn_current_challenge'),
  table(9, 'user_security_keys'),
  column(11, 'refresh_tokens', 'refresh_token_hash'),
  column(12, 'refresh_tokens', 'metadata'),
  table(14, 'refresh_token_types'),
  column(15, 'refresh_tokens', 'id'),
  { version: 19, object: 'auth.users.locale as varchar(3)', sql: LOCALE_WIDTH_SQL, params: [] },
  column(20, 'oauth2_clients', 'client_id'),
  table(20, 'oauth2_auth_requests'),
  table(20, 'oauth2_authorization_codes'),
  table(20, 'oauth2_refresh_tokens'),
  table(21, 'pkce_authorization_codes'),
  { version: 22, object: 'function auth.is_valid_oauth2_scope', sql: FUNCTION_SQL, params: ['is_valid_oauth2_scope'] },
  column(23, 'users', 'otp_attempts'),
  column(24, 'users', 'new_phone_number'),
  column(25, 'users', 'pending_sms_deanonymize_options'),
  { version: 27, object: 'index auth.users_new_phone_number_idx', sql: INDEX_SQL, params: ['users_new_phone_number_idx'] },
];

/** The objects a database recorded at `version` should have but lacks (empty when consistent). */
export async function findMissingObjects(
  conn: Queryable,
  version: number,
  probes: readonly SchemaProbe[] = AUTH_SCHEMA_PROBES,
): Promise<string[]> {
  const missing: string[] = [];
  for (const probe of probes) {
    if (probe.version > version) continue;
    const { rows } = await conn.query<{ ok: boolean }>(probe.sql, probe.params);
    if (rows[0]?.ok !== true) missing.push(`${probe.object} (migration ${probe.version})`);
  }
  return missing;
}

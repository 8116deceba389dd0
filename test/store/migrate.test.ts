import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../../src/store/db.js';
import { openEmbedded } from '../../src/store/embedded.js';
import {
  LATEST_AUTH_MIGRATION,
  MigrationError,
  advisoryLockKey,
  loadMigrationFiles,
  migrate,
} from '../../src/store/migrate.js';
import { openPostgres } from '../../src/store/postgres.js';
import { splitSqlStatements } from '../../src/store/sql-script.js';

// Both backends, always: the same migrations must run on an external PostgreSQL and on PGlite.
// TEST_DATABASE_URL (an admin connection) overrides the local server.
const ADMIN_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Latchkey's own track grows with features; the tests follow its files. */
const LATEST_LATCHKEY_MIGRATION = (await loadMigrationFiles('latchkey')).length;
const FIXTURE_SQL = new URL('../fixtures/nhost-v18.sql', import.meta.url);
const FIXTURE_JSON = new URL('../fixtures/nhost-v18.json', import.meta.url);

interface Fixture {
  users: { id: string; email: string; password: string }[];
  refreshTokens: { id: string; token: string; userId: string; expired: boolean }[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new empty database on the PostgreSQL server, dropped after the test. */
async function createPostgresDatabase(): Promise<string> {
  const name = `latchkey_migrate_${randomUUID().replaceAll('-', '')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  cleanups.push(() => withAdmin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function track(db: Database): Database {
  cleanups.push(() => db.close());
  return db;
}

// Starting PGlite costs over a second, so its tests share one in-memory instance, emptied of
// everything the migrations create before each use.
let pglite: Database | undefined;
afterAll(async () => pglite?.close());

async function openPglite(): Promise<Database> {
  pglite ??= await openEmbedded(undefined);
  await pglite.query('DROP SCHEMA IF EXISTS auth, latchkey CASCADE');
  await pglite.query('DROP EXTENSION IF EXISTS citext, pgcrypto CASCADE');
  return pglite;
}

/** `open()` gives an empty database; a second call may reuse (and empty) the first one. */
const backends = [
  { name: 'PostgreSQL', open: async () => track(openPostgres(await createPostgresDatabase(), { max: 3 })) },
  { name: 'PGlite', open: openPglite },
];

async function runScript(db: Queryable, sql: string): Promise<void> {
  for (const statement of splitSqlStatements(sql)) await db.query(statement);
}

async function loadFixture(db: Database): Promise<Fixture> {
  await runScript(db, await readFile(FIXTURE_SQL, 'utf8'));
  return JSON.parse(await readFile(FIXTURE_JSON, 'utf8')) as Fixture;
}

async function versions(db: Queryable, table: string): Promise<{ version: number; dirty: boolean }[]> {
  const { rows } = await db.query<{ version: unknown; dirty: boolean }>(`SELECT version, dirty FROM ${table}`);
  return rows.map((r) => ({ version: Number(r.version), dirty: r.dirty }));
}

async function tablesOf(db: Queryable, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => r.name);
}

/**
 * Everything about schema auth that a client or the reference can observe, in a comparable
 * form: columns in order (dropped ones skipped), constraints, indexes, triggers, functions,
 * table comments and lookup rows.
 */
async function describeAuthSchema(db: Queryable): Promise<Record<string, unknown[]>> {
  const queries: Record<string, string> = {
    columns: `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
                pg_get_expr(d.adbin, d.adrelid) AS default
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
              WHERE c.relnamespace = 'auth'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
              ORDER BY c.relname, a.attnum`,
    // NOT NULL constraints are catalogued from PostgreSQL 18 (PGlite) on, named after the table
    // at creation time (user_authenticators_*); nullability is already compared via columns.
    constraints: `SELECT conrelid::regclass::text AS rel, contypid::regtype::text AS domain, conname,
                    pg_get_constraintdef(oid) AS def
                  FROM pg_constraint WHERE connamespace = 'auth'::regnamespace AND contype <> 'n' ORDER BY 1, 2, 3`,
    indexes: `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'auth' ORDER BY 1`,
    triggers: `SELECT tgname, pg_get_triggerdef(oid) AS def FROM pg_trigger
               WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'auth'::regnamespace)
               ORDER BY 1, 2`,
    functions: `SELECT proname, pg_get_function_identity_arguments(oid) AS args FROM pg_proc
                WHERE pronamespace = 'auth'::regnamespace ORDER BY 1`,
    comments: `SELECT relname, obj_description(oid, 'pg_class') AS comment FROM pg_class
               WHERE relnamespace = 'auth'::regnamespace AND relkind = 'r' ORDER BY 1`,
    providers: `SELECT id FROM auth.providers ORDER BY id`,
    refreshTokenTypes: `SELECT value, comment FROM auth.refresh_token_types ORDER BY value`,
  };
  const result: Record<string, unknown[]> = {};
  for (const [key, sql] of Object.entries(queries)) result[key] = (await db.query(sql)).rows;
  return result;
}

/** Applies auth files 1..version by hand, as an older server would have, and records version. */
async function buildAuthAt(db: Database, version: number): Promise<void> {
  await db.query('CREATE SCHEMA auth');
  await db.query('CREATE TABLE auth.schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)');
  for (const file of (await loadMigrationFiles('auth')).slice(0, version)) await runScript(db, file.sql);
  await db.query('INSERT INTO auth.schema_migrations (version, dirty) VALUES ($1, false)', [version]);
}

const sha256Text = (token: string): string => `\\x${createHash('sha256').update(token, 'utf8').digest('hex')}`;

it('derives the advisory lock key the way golang-migrate does', () => {
  expect(advisoryLockKey('auth', 'schema_migrations', 'postgres')).toBe('640785076');
  expect(advisoryLockKey('auth', 'schema_migrations', 'local')).toBe('4096716695');
});

describe.each(backends)('migrate() on $name', (backend) => {
  it('brings a fresh database to the newest version of both tracks', async () => {
    const db = await backend.open();
    const result = await migrate(db);

    expect(result).toEqual({ auth: { from: 0, to: LATEST_AUTH_MIGRATION }, latchkey: { from: 0, to: LATEST_LATCHKEY_MIGRATION } });
    expect(await versions(db, 'auth.schema_migrations')).toEqual([{ version: 27, dirty: false }]);
    expect(await versions(db, 'latchkey.schema_migrations')).toEqual([{ version: LATEST_LATCHKEY_MIGRATION, dirty: false }]);
    expect(await tablesOf(db, 'auth')).toEqual([
      'oauth2_auth_requests', 'oauth2_authorization_codes', 'oauth2_clients', 'oauth2_refresh_tokens',
      'pkce_authorization_codes', 'provider_requests', 'providers', 'refresh_token_types', 'refresh_tokens',
      'roles', 'schema_migrations', 'user_providers', 'user_roles', 'user_security_keys', 'users',
    ]);
    expect(await tablesOf(db, 'latchkey')).toEqual(expect.arrayContaining(['oauth_states', 'refresh_token_rotations', 'schema_migrations']));
    const { rows: roles } = await db.query<{ role: string }>('SELECT role FROM auth.roles ORDER BY role');
    expect(roles.map((r) => r.role)).toEqual(['anonymous', 'me', 'user']);
    const { rows: providers } = await db.query('SELECT id FROM auth.providers');
    expect(providers).toHaveLength(16);
  });

  it('changes nothing when the database is already up to date', async () => {
    const db = await backend.open();
    await migrate(db);
    const applied: unknown[] = [];
    const result = await migrate(db, { log: (msg, fields) => msg === 'applied migration' && applied.push(fields) });

    expect(result).toEqual({ auth: { from: 27, to: 27 }, latchkey: { from: LATEST_LATCHKEY_MIGRATION, to: LATEST_LATCHKEY_MIGRATION } });
    expect(applied).toEqual([]);
  });

  it('upgrades a database left at migration 18 by Nhost Auth, keeping its rows', async () => {
    const db = await backend.open();
    const fixture = await loadFixture(db);
    // An unverified SMS sign-up placeholder, which migration 26 moves to new_phone_number.
    await db.query(
      `INSERT INTO auth.users (id, locale, phone_number, otp_method_last_used, otp_hash, display_name)
       VALUES ('6c3f2a10-1d2e-4f5a-9b8c-7d6e5f4a3b2c', 'en', '+15555550199', 'sms', crypt('123456', gen_salt('bf')), '+15555550199')`,
    );
    const usersBefore = (await db.query('SELECT * FROM auth.users ORDER BY id')).rows;
    const tokensBefore = (await db.query('SELECT * FROM auth.refresh_tokens ORDER BY id')).rows;

    const result = await migrate(db);

    expect(result.auth).toEqual({ from: 18, to: 27 });
    expect(await versions(db, 'auth.schema_migrations')).toEqual([{ version: 27, dirty: false }]);
    expect((await db.query('SELECT * FROM auth.refresh_tokens ORDER BY id')).rows).toEqual(tokensBefore);
    const usersAfter = (await db.query<Record<string, unknown>>('SELECT * FROM auth.users ORDER BY id')).rows;
    expect(usersAfter).toHaveLength(usersBefore.length);
    for (const [index, before] of usersBefore.entries()) {
      const after = usersAfter[index] ?? {};
      const moved = before['phone_number'] === '+15555550199';
      expect(after).toEqual({
        ...before,
        phone_number: moved ? null : before['phone_number'],
        // The move is an UPDATE, so the reference's trigger bumps updated_at.
        updated_at: moved ? expect.any(Date) : before['updated_at'],
        otp_attempts: 0,
        new_phone_number: moved ? '+15555550199' : null,
        pending_sms_deanonymize_options: null,
      });
    }
    // The fixture's hashes are the reference's: '\x' + hex(sha256(token)).
    for (const token of fixture.refreshTokens) {
      const { rows } = await db.query<{ hash: string; expired: boolean }>(
        'SELECT refresh_token_hash AS hash, expires_at < now() AS expired FROM auth.refresh_tokens WHERE id = $1',
        [token.id],
      );
      expect(rows).toEqual([{ hash: sha256Text(token.token), expired: token.expired }]);
    }
  });

  it('produces the same schema from the v18 fixture as from a fresh database', async () => {
    const fresh = await backend.open();
    await migrate(fresh);
    const expected = await describeAuthSchema(fresh);
    const upgraded = await backend.open();
    await loadFixture(upgraded);
    await migrate(upgraded);

    expect(await describeAuthSchema(upgraded)).toEqual(expected);
  });

  it('migrates a legacy Node.js-era database from the version in auth.migrations', async () => {
    const db = await backend.open();
    await db.query('CREATE SCHEMA auth');
    await db.query(
      `CREATE TABLE auth.migrations (id integer PRIMARY KEY, name varchar(100) UNIQUE NOT NULL,
         hash varchar(40) NOT NULL, executed_at timestamp DEFAULT current_timestamp)`,
    );
    const files = (await loadMigrationFiles('auth')).slice(0, 10);
    await db.query(`INSERT INTO auth.migrations (id, name, hash) VALUES (0, 'create-migrations-table', 'x')`);
    for (const file of files) {
      // On these databases migration 5 commented auth.migrations (SCHEMA.md §8.5).
      await runScript(db, file.sql.replaceAll('auth.schema_migrations', 'auth.migrations'));
      await db.query('INSERT INTO auth.migrations (id, name, hash) VALUES ($1, $2, $3)', [file.version, file.name, 'x']);
    }
    const userId = randomUUID();
    const token = randomUUID();
    await db.query(`INSERT INTO auth.users (id, locale, email) VALUES ($1, 'en', 'legacy@example.com')`, [userId]);
    await db.query(
      `INSERT INTO auth.refresh_tokens (refresh_token, expires_at, user_id) VALUES ($1, now() + interval '1 day', $2)`,
      [token, userId],
    );
    const legacyRows = (await db.query('SELECT * FROM auth.migrations ORDER BY id')).rows;

    const result = await migrate(db);

    expect(result.auth).toEqual({ from: 10, to: 27 });
    expect((await db.query('SELECT * FROM auth.migrations ORDER BY id')).rows).toEqual(legacyRows);
    const { rows } = await db.query('SELECT id, refresh_token_hash FROM auth.refresh_tokens');
    expect(rows).toEqual([{ id: token, refresh_token_hash: sha256Text(token) }]);
  });

  it('refuses a dirty database and leaves it as it is', async () => {
    const db = await backend.open();
    await migrate(db);
    await db.query('UPDATE auth.schema_migrations SET version = 20, dirty = true');

    await expect(migrate(db)).rejects.toThrow(/auth\.schema_migrations is dirty at version 20/);
    expect(await versions(db, 'auth.schema_migrations')).toEqual([{ version: 20, dirty: true }]);
  });

  it('refuses a database migrated by a newer Nhost Auth without touching it', async () => {
    const db = await backend.open();
    await migrate(db);
    await db.query('UPDATE auth.schema_migrations SET version = 28');

    await expect(migrate(db)).rejects.toThrow(/version 28, newer than the newest migration/);
    expect(await versions(db, 'auth.schema_migrations')).toEqual([{ version: 28, dirty: false }]);
  });

  it('refuses a recorded version whose objects are missing (a preview build)', async () => {
    const db = await backend.open();
    await loadFixture(db);
    await db.query('ALTER TABLE auth.users ADD COLUMN totp_attempts smallint NOT NULL DEFAULT 0');
    await db.query('UPDATE auth.schema_migrations SET version = 24');

    await expect(migrate(db)).rejects.toThrow(/lacks .*column auth\.users\.otp_attempts/);
    expect(await versions(db, 'auth.schema_migrations')).toEqual([{ version: 24, dirty: false }]);
  });

  it('leaves a failed migration dirty with its changes rolled back', async () => {
    const db = await backend.open();
    await db.query('CREATE SCHEMA auth');
    await db.query('CREATE TABLE auth.roles (role text)'); // migration 1 creates it too, late in the file

    const error = await migrate(db).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/auth migration 1 \(create-initial-tables\) failed/);
    expect(await versions(db, 'auth.schema_migrations')).toEqual([{ version: 1, dirty: true }]);
    expect(await tablesOf(db, 'auth')).toEqual(['roles', 'schema_migrations']);
    await expect(migrate(db)).rejects.toThrow(/dirty at version 1/);
  });
});

describe('migrate() on PostgreSQL only', () => {
  it('lets two instances start at once: both succeed and each file runs once', async () => {
    const url = await createPostgresDatabase();
    const first = track(openPostgres(url, { max: 2 }));
    const second = track(openPostgres(url, { max: 2 }));
    const applied: string[] = [];
    const log = (msg: string, fields?: Record<string, unknown>): void => {
      if (msg === 'applied migration') applied.push(`${String(fields?.['track'])}/${String(fields?.['version'])}`);
    };

    const results = await Promise.all([migrate(first, { log }), migrate(second, { log })]);

    expect(applied).toHaveLength(LATEST_AUTH_MIGRATION + LATEST_LATCHKEY_MIGRATION);
    expect(new Set(applied).size).toBe(applied.length);
    expect(results.map((r) => r.auth.to)).toEqual([27, 27]);
    expect(results.map((r) => r.auth.from).sort()).toEqual([0, 27]);
    expect(await versions(first, 'auth.schema_migrations')).toEqual([{ version: 27, dirty: false }]);
  });

  it('migrates forward from any earlier version', async () => {
    const db = track(openPostgres(await createPostgresDatabase(), { max: 2 }));
    const fresh = track(openPostgres(await createPostgresDatabase(), { max: 2 }));
    await migrate(fresh);
    const expected = await describeAuthSchema(fresh);

    for (const version of [1, 5, 11, 14, 15, 20, 22, 26]) {
      await db.query('DROP SCHEMA IF EXISTS auth, latchkey CASCADE');
      await buildAuthAt(db, version);
      const result = await migrate(db);
      expect(result.auth).toEqual({ from: version, to: 27 });
      expect(await describeAuthSchema(db)).toEqual(expected);
    }
  });
});

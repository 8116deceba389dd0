import bcrypt from 'bcrypt';
import { expect } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.js';
import type { Queryable } from '../../src/store/db.js';
import { startTestApp, type ApiResponse, type TestApp } from './app.js';
import { createTestDatabase, type TestDatabase } from './database.js';

// Helpers for the sign-up, sign-in, anonymous and deanonymize tests.

export const DAY_MS = 24 * 60 * 60 * 1000;
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
export const UUID_V4 = new RegExp(`^${UUID_PATTERN}$`);

export interface AppGroup<K extends string> {
  apps: Record<K, TestApp>;
  db: Queryable;
  clock: ManualClock;
  close(): Promise<void>;
}

/**
 * Several apps, each with its own settings, over one database and one clock: one database per
 * file keeps the file fast, and a user made through one app can be tried against another.
 */
export async function startAppGroup<K extends string>(envs: Record<K, Record<string, string>>): Promise<AppGroup<K>> {
  const database: TestDatabase = await createTestDatabase();
  const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const apps = {} as Record<K, TestApp>;
  const started: TestApp[] = [];
  try {
    // One after the other: each start runs the (idempotent) migrations on the shared database.
    for (const name of Object.keys(envs) as K[]) {
      const app = await startTestApp({ env: envs[name], database, clock });
      apps[name] = app;
      started.push(app);
    }
  } catch (err) {
    for (const app of started) await app.close();
    await database.drop();
    throw err;
  }
  return {
    apps,
    db: database.db,
    clock,
    async close() {
      for (const app of started) await app.close();
      await database.drop();
    },
  };
}

/** The stored form of a refresh token, computed by PostgreSQL as the reference's migration 11 does. */
export async function storedRefreshTokenHash(db: Queryable, token: string): Promise<string> {
  const r = await db.query<{ hash: string }>(`SELECT '\\x' || encode(sha256($1::text::bytea), 'hex') AS hash`, [token]);
  return r.rows[0]!.hash;
}

export interface RefreshTokenRecord {
  id: string;
  refresh_token_hash: string;
  type: string;
  expires_at: Date;
}

export async function refreshTokensOf(db: Queryable, userId: string): Promise<RefreshTokenRecord[]> {
  const r = await db.query<RefreshTokenRecord>(
    'SELECT id, refresh_token_hash, type, expires_at FROM auth.refresh_tokens WHERE user_id = $1 ORDER BY created_at, id',
    [userId],
  );
  return r.rows.map((row) => ({ ...row, expires_at: new Date(row.expires_at) }));
}

export async function rolesOf(db: Queryable, userId: string): Promise<string[]> {
  const r = await db.query<{ role: string }>('SELECT role FROM auth.user_roles WHERE user_id = $1', [userId]);
  return r.rows.map((row) => row.role).sort();
}

export interface UserRecord {
  id: string;
  email: string | null;
  password_hash: string | null;
  display_name: string;
  avatar_url: string;
  locale: string;
  default_role: string;
  metadata: unknown;
  metadata_is_sql_null: boolean;
  is_anonymous: boolean;
  disabled: boolean;
  email_verified: boolean;
  ticket: string | null;
  ticket_expires_at: Date;
  last_seen: Date | null;
  created_at: Date;
  active_mfa_type: string | null;
}

export async function userRow(db: Queryable, where: { id: string } | { email: string }): Promise<UserRecord | undefined> {
  const [column, value] = 'id' in where ? ['id', where.id] : ['email', where.email];
  const r = await db.query<UserRecord>(
    `SELECT id, email::text AS email, password_hash, display_name, avatar_url, locale, default_role, metadata,
            (metadata IS NULL) AS metadata_is_sql_null, is_anonymous, disabled, email_verified, ticket,
            ticket_expires_at, last_seen, created_at, active_mfa_type
       FROM auth.users WHERE ${column} = $1`,
    [value],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    ...row,
    ticket_expires_at: new Date(row.ticket_expires_at),
    last_seen: row.last_seen === null ? null : new Date(row.last_seen),
    created_at: new Date(row.created_at),
  };
}

export interface PasswordUserInput {
  email: string;
  /** A stored hash as is (`null` for no password). */
  passwordHash: string | null;
  emailVerified?: boolean;
  disabled?: boolean;
  defaultRole?: string;
  roles?: string[];
}

/** Inserts a user the way another Nhost Auth deployment might have left it. */
export async function insertPasswordUser(db: Queryable, input: PasswordUserInput): Promise<string> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO auth.users (email, password_hash, email_verified, disabled, default_role, locale, display_name)
     VALUES ($1, $2, $3, $4, $5, 'en', $6) RETURNING id`,
    [input.email, input.passwordHash, input.emailVerified ?? true, input.disabled ?? false, input.defaultRole ?? 'user', input.email],
  );
  const id = r.rows[0]!.id;
  for (const role of input.roles ?? ['me', 'user']) {
    await db.query('INSERT INTO auth.user_roles (user_id, role) VALUES ($1, $2)', [id, role]);
  }
  return id;
}

/** A bcrypt hash at cost 4 with the given prefix (`$2y$` is `$2b$` relabelled, as PHP writes it). */
export function bcryptHash(password: string, prefix: '$2a$' | '$2b$' | '$2y$'): string {
  const minor = prefix === '$2a$' ? 'a' : 'b';
  const hash = bcrypt.hashSync(password, bcrypt.genSaltSync(4, minor));
  return prefix === '$2y$' ? `$2y$${hash.slice(4)}` : hash;
}

/** Signs up with e-mail and password on an app that does not require verification. */
export async function signUpWithSession(t: TestApp, email: string, password: string, options?: Record<string, unknown>): Promise<any> {
  const res = await t.request('POST', '/signup/email-password', { body: { email, password, ...(options ? { options } : {}) } });
  expect(res.status, res.text).toBe(200);
  expect(res.body.session).toBeDefined();
  return res.body.session;
}

/** The body of a validation failure raised by the security stage (API.md §1.8). */
export function expectSecurityFailure(res: ApiResponse): void {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: expect.stringContaining('security requirements failed') });
}

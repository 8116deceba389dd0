import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/store/db.js';
import { openEmbedded } from '../../../src/store/embedded.js';
import { openPostgres } from '../../../src/store/postgres.js';
import { splitSqlStatements } from '../../../src/store/sql-script.js';
import { decodeJwt, expectContract, expectError, startTestApp, type TestApp } from '../../support/app.js';
import { testDatabaseMode, type TestDatabase } from '../../support/database.js';
import { storedTokenHash } from '../../support/sdk.js';

// A database exactly as Nhost Auth 0.x leaves it at migration 18 (test/fixtures/nhost-v18.sql),
// handed to Latchkey, which migrates it to 27 on start. Existing users and sessions must keep
// working: passwords of every bcrypt prefix, refresh tokens (also one from before migration 15).

interface FixtureUser {
  id: string;
  email: string;
  password: string;
  emailVerified: boolean;
  defaultRole: string;
  roles: string[];
}
interface FixtureToken {
  id: string;
  token: string;
  userId: string;
  expired: boolean;
  legacyIdIsToken?: boolean;
}
interface Fixture {
  users: FixtureUser[];
  refreshTokens: FixtureToken[];
}

const FIXTURE_SQL = new URL('../../fixtures/nhost-v18.sql', import.meta.url);
const FIXTURE_JSON = new URL('../../fixtures/nhost-v18.json', import.meta.url);

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env['TEST_DATABASE_URL'] });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function loadV18(db: Database): Promise<void> {
  for (const statement of splitSqlStatements(await readFile(FIXTURE_SQL, 'utf8'))) await db.query(statement);
}

/** A new database holding only the v18 fixture (not cloned from the migrated template). */
async function createV18Database(): Promise<TestDatabase> {
  if (testDatabaseMode() === 'embedded') {
    const db = await openEmbedded(undefined);
    await loadV18(db);
    return { db, url: null, drop: () => db.close() };
  }
  const name = `latchkey_upgrade_${randomUUID().replaceAll('-', '')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(process.env['TEST_DATABASE_URL']!);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString(), { max: 5 });
  await loadV18(db);
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

describe('an Nhost Auth database at migration 18', () => {
  let fixture: Fixture;
  let database: TestDatabase;
  /** AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED at its default (true). */
  let strict: TestApp;
  /** A second instance on the same data with verification not required. */
  let lenient: TestApp;

  beforeAll(async () => {
    fixture = JSON.parse(await readFile(FIXTURE_JSON, 'utf8')) as Fixture;
    database = await createV18Database();
    const { rows } = await database.db.query<{ version: unknown }>('SELECT version FROM auth.schema_migrations');
    expect(rows.map((r) => Number(r.version))).toEqual([18]);
    strict = await startTestApp({ database });
    lenient = await startTestApp({ database, env: { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' } });
  });
  afterAll(async () => {
    await lenient?.close();
    await strict?.close();
    await database?.drop();
  });

  const user = (email: string): FixtureUser => fixture.users.find((u) => u.email === email)!;

  it('is migrated to version 27 on start, keeping its users and refresh tokens', async () => {
    const { rows: versions } = await strict.db.query<{ version: unknown; dirty: boolean }>('SELECT version, dirty FROM auth.schema_migrations');
    expect(versions.map((r) => ({ version: Number(r.version), dirty: r.dirty }))).toEqual([{ version: 27, dirty: false }]);
    const { rows: users } = await strict.db.query<{ id: string }>('SELECT id FROM auth.users ORDER BY id');
    expect(users.map((u) => u.id)).toEqual(fixture.users.map((u) => u.id).sort());
    for (const token of fixture.refreshTokens) {
      const { rows } = await strict.db.query('SELECT user_id, refresh_token_hash FROM auth.refresh_tokens WHERE id = $1', [token.id]);
      expect(rows).toEqual([{ user_id: token.userId, refresh_token_hash: storedTokenHash(token.token) }]);
    }
  });

  it('signs in every verified fixture user with their password, whatever the bcrypt prefix ($2a$, $2y$)', async () => {
    const verified = fixture.users.filter((u) => u.emailVerified);
    expect(verified.map((u) => u.email)).toEqual(['alice@example.com', 'carol@example.com']);
    for (const u of verified) {
      const res = await strict.request('POST', '/signin/email-password', { body: { email: u.email, password: u.password } });

      expect(res.status, u.email).toBe(200);
      expectContract('signInEmailPassword', res);
      const session = res.body.session;
      expect(session.user).toMatchObject({ id: u.id, email: u.email, defaultRole: u.defaultRole, emailVerified: true });
      expect([...session.user.roles].sort()).toEqual([...u.roles].sort());
      const claims = decodeJwt(session.accessToken)['https://hasura.io/jwt/claims'];
      expect(claims).toMatchObject({ 'x-hasura-user-id': u.id, 'x-hasura-default-role': u.defaultRole });
      expect([...claims['x-hasura-allowed-roles']].sort()).toEqual([...u.roles].sort());
      const { rows } = await strict.db.query('SELECT user_id, refresh_token_hash FROM auth.refresh_tokens WHERE id = $1', [session.refreshTokenId]);
      expect(rows).toEqual([{ user_id: u.id, refresh_token_hash: storedTokenHash(session.refreshToken) }]);
    }
  });

  it('refuses a wrong password for a fixture user', async () => {
    const alice = user('alice@example.com');
    const res = await strict.request('POST', '/signin/email-password', { body: { email: alice.email, password: 'not-her-password' } });
    expectError(res, 401, 'invalid-email-password');
    expectContract('signInEmailPassword', res);
  });

  it('refuses the unverified fixture user while verification is required', async () => {
    const bob = user('bob@example.com');
    expect(bob.emailVerified).toBe(false);
    const res = await strict.request('POST', '/signin/email-password', { body: { email: bob.email, password: bob.password } });
    expectError(res, 401, 'unverified-user');
    expectContract('signInEmailPassword', res);
  });

  it('signs in the unverified fixture user ($2b$) when verification is not required', async () => {
    const bob = user('bob@example.com');
    const res = await lenient.request('POST', '/signin/email-password', { body: { email: bob.email, password: bob.password } });

    expect(res.status).toBe(200);
    expectContract('signInEmailPassword', res);
    expect(res.body.session.user).toMatchObject({ id: bob.id, email: bob.email, emailVerified: false, defaultRole: 'user', locale: 'fr' });
  });

  it('refreshes every unexpired fixture refresh token, including the one from before migration 15', async () => {
    const live = fixture.refreshTokens.filter((t) => !t.expired);
    expect(live.some((t) => t.legacyIdIsToken)).toBe(true);
    for (const token of live) {
      const res = await strict.request('POST', '/token', { body: { refreshToken: token.token } });

      expect(res.status, token.id).toBe(200);
      expectContract('refreshToken', res);
      expect(res.body.refreshTokenId).toBe(token.id);
      expect(res.body.refreshToken).not.toBe(token.token);
      expect(res.body.user.id).toBe(token.userId);
      expect(decodeJwt(res.body.accessToken).sub).toBe(token.userId);
      const { rows } = await strict.db.query('SELECT user_id, refresh_token_hash FROM auth.refresh_tokens WHERE id = $1', [token.id]);
      expect(rows).toEqual([{ user_id: token.userId, refresh_token_hash: storedTokenHash(res.body.refreshToken) }]);
      // The rotated token keeps refreshing.
      const again = await strict.request('POST', '/token', { body: { refreshToken: res.body.refreshToken } });
      expect(again.status, token.id).toBe(200);
    }
  });

  it('refuses the expired fixture refresh token', async () => {
    const expired = fixture.refreshTokens.filter((t) => t.expired);
    expect(expired).toHaveLength(1);
    const res = await strict.request('POST', '/token', { body: { refreshToken: expired[0]!.token } });
    expectError(res, 401, 'invalid-refresh-token');
    expectContract('refreshToken', res);
  });

  it('shows the fixture data on GET /user', async () => {
    const alice = user('alice@example.com');
    const carol = user('carol@example.com');
    const bob = user('bob@example.com');
    const expected = {
      [alice.id]: {
        id: alice.id,
        createdAt: '2024-03-01T09:00:00.000Z',
        displayName: 'Alice',
        avatarUrl: 'https://www.gravatar.com/avatar/c160f8cc69a4f0bf2b0362752353d060?d=blank&r=g',
        locale: 'en',
        email: 'alice@example.com',
        emailVerified: true,
        phoneNumberVerified: false,
        defaultRole: 'user',
        isAnonymous: false,
        metadata: { team: 'blue' },
        activeMfaType: null,
      },
      [carol.id]: {
        id: carol.id,
        createdAt: '2023-11-20T17:45:00.000Z',
        displayName: 'Carol',
        avatarUrl: 'https://avatars.githubusercontent.com/u/1000001?v=4',
        locale: 'en',
        email: 'carol@example.com',
        phoneNumber: '+15555550123',
        emailVerified: true,
        phoneNumberVerified: true,
        defaultRole: 'editor',
        isAnonymous: false,
        metadata: null,
        activeMfaType: null,
      },
      [bob.id]: {
        id: bob.id,
        createdAt: '2024-05-10T08:30:00.000Z',
        displayName: 'bob@example.com',
        avatarUrl: 'https://www.gravatar.com/avatar/4b9bb80620f03eb3719e0a061c14283d?d=blank&r=g',
        locale: 'fr',
        email: 'bob@example.com',
        emailVerified: false,
        phoneNumberVerified: false,
        defaultRole: 'user',
        isAnonymous: false,
        metadata: null,
        activeMfaType: null,
      },
    };
    for (const u of fixture.users) {
      const app = u.emailVerified ? strict : lenient;
      const signIn = await app.request('POST', '/signin/email-password', { body: { email: u.email, password: u.password } });
      expect(signIn.status, u.email).toBe(200);

      const res = await app.request('GET', '/user', { token: signIn.body.session.accessToken });

      expect(res.status, u.email).toBe(200);
      expectContract('getUser', res);
      const { roles, ...rest } = res.body;
      expect(rest, u.email).toEqual(expected[u.id]);
      expect([...roles].sort()).toEqual([...u.roles].sort());
    }
  });
});

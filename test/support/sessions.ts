import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import { TEST_JWT_SECRET, decodeJwt, uniqueEmail, type ApiResponse, type TestApp } from './app.js';

/** The Hasura claims namespace of the test apps (the default, TOKENS.md §3). */
export const CLAIMS = 'https://hasura.io/jwt/claims';

export const TEST_PASSWORD = 'a-good-password-123';

/** A session as the API returns it (the parts these tests read). */
export interface SessionBody {
  accessToken: string;
  accessTokenExpiresIn: number;
  refreshToken: string;
  refreshTokenId: string;
  user: Record<string, any>;
}

export interface SignedInUser {
  id: string;
  email: string;
  password: string;
  session: SessionBody;
}

/** `refresh_token_hash` as SCHEMA.md §10.4 defines it, computed independently of the server. */
export function refreshTokenHash(token: string): string {
  return `\\x${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/**
 * Signs a user up through the API and returns a session. When the app wants a verified e-mail,
 * the address is marked verified in SQL (there is no mail flow here) and the user signs in.
 */
export async function createSignedInUser(
  t: TestApp,
  options: { email?: string; password?: string; signUpOptions?: Record<string, unknown> } = {},
): Promise<SignedInUser> {
  const email = options.email ?? uniqueEmail('session');
  const password = options.password ?? TEST_PASSWORD;
  const body: Record<string, unknown> = { email, password };
  if (options.signUpOptions) body['options'] = options.signUpOptions;
  const signUp = await t.request('POST', '/signup/email-password', { body });
  expect(signUp.status, signUp.text).toBe(200);
  let session: SessionBody | undefined = signUp.body.session;
  if (!session) {
    await t.db.query('UPDATE auth.users SET email_verified = true WHERE email = $1', [email]);
    session = await signIn(t, email, password);
  }
  return { id: session.user['id'], email, password, session };
}

/** A new session for an existing user (another device). */
export async function signIn(t: TestApp, email: string, password: string): Promise<SessionBody> {
  const res = await t.request('POST', '/signin/email-password', { body: { email, password } });
  expect(res.status, res.text).toBe(200);
  return res.body.session as SessionBody;
}

export function refresh(t: TestApp, refreshToken: string): Promise<ApiResponse> {
  return t.request('POST', '/token', { body: { refreshToken } });
}

export interface RefreshTokenRecord {
  id: string;
  user_id: string;
  type: 'regular' | 'pat';
  refresh_token_hash: string;
  expires_at: Date;
  metadata: unknown;
}

export async function refreshTokenRows(t: TestApp, userId: string): Promise<RefreshTokenRecord[]> {
  const r = await t.db.query<RefreshTokenRecord>(
    'SELECT id, user_id, type, refresh_token_hash, expires_at, metadata FROM auth.refresh_tokens WHERE user_id = $1 ORDER BY created_at, id',
    [userId],
  );
  return r.rows.map((row) => ({ ...row, expires_at: new Date(row.expires_at) }));
}

export async function refreshTokenRowById(t: TestApp, id: string): Promise<RefreshTokenRecord | undefined> {
  const r = await t.db.query<RefreshTokenRecord>(
    'SELECT id, user_id, type, refresh_token_hash, expires_at, metadata FROM auth.refresh_tokens WHERE id = $1',
    [id],
  );
  const row = r.rows[0];
  return row ? { ...row, expires_at: new Date(row.expires_at) } : undefined;
}

/** Gives the user a WebAuthn credential row, which drives the `recommended` elevation rule. */
export async function insertSecurityKey(t: TestApp, userId: string): Promise<void> {
  await t.db.query(
    `INSERT INTO auth.user_security_keys (user_id, credential_id, credential_public_key)
     VALUES ($1, $2, '\\x00'::bytea)`,
    [userId, `cred-${userId}`],
  );
}

/**
 * The same access token re-signed with the test key and `x-hasura-auth-elevated` = `sub` added,
 * as `POST /elevate/webauthn/verify` would mint it (TOKENS.md §8).
 */
export async function elevate(accessToken: string): Promise<string> {
  const payload = decodeJwt(accessToken);
  payload[CLAIMS] = { ...payload[CLAIMS], 'x-hasura-auth-elevated': payload.sub };
  const { key } = JSON.parse(TEST_JWT_SECRET) as { key: string };
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(key));
}

/** A PAT for the user behind `accessToken`, through the API. */
export async function createPat(t: TestApp, accessToken: string, body: Record<string, unknown> = { expiresAt: '2099-01-01T00:00:00Z' }): Promise<{ id: string; personalAccessToken: string }> {
  const res = await t.request('POST', '/pat', { token: accessToken, body });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

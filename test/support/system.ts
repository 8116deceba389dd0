/**
 * Helpers for the system and request-pipeline tests: signing keys made on the spot, tokens minted
 * by hand, the validation-failure shape (API.md §1.8) and row counts for "nothing was written".
 */
import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import type { Database } from '../../src/store/db.js';
import { TEST_JWT_SECRET, uniqueEmail, type ApiResponse, type TestApp } from './app.js';

export const CLAIMS_NAMESPACE = 'https://hasura.io/jwt/claims';
export const SECURITY_FAILURE_PREFIX = 'error in openapi3filter.SecurityRequirementsError: security requirements failed: ';
export const STRONG_PASSWORD = 'correct-horse-battery';

/** A key pair in `HASURA_GRAPHQL_JWT_SECRET` format, plus the keys to sign and verify by hand. */
export interface TestSigningKey {
  /** The JSON text for HASURA_GRAPHQL_JWT_SECRET (or one item of AUTH_JWT_PREVIOUS_SECRETS). */
  secret: string;
  /** The parsed JSON, to embed in AUTH_JWT_PREVIOUS_SECRETS with a retire_at. */
  json: Record<string, string>;
  alg: 'RS256' | 'ES256' | 'EdDSA' | 'HS256';
  signKey: KeyObject;
  publicKey: KeyObject;
}

/** A fresh asymmetric signing key (PEM SPKI + PKCS#8), with an optional `kid`. */
export function asymmetricSigningKey(type: 'RS256' | 'ES256' | 'Ed25519', kid?: string): TestSigningKey {
  const pair =
    type === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : type === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const json: Record<string, string> = {
    type,
    key: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    signing_key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  if (kid !== undefined) json['kid'] = kid;
  const alg = type === 'Ed25519' ? 'EdDSA' : type;
  return { secret: JSON.stringify(json), json, alg, signKey: pair.privateKey, publicKey: pair.publicKey };
}

/** An HS256 key; the default is the one every test app signs with (BASE_ENV). */
export function hmacSigningKey(secret: string = TEST_JWT_SECRET): TestSigningKey {
  const json = JSON.parse(secret) as Record<string, string>;
  const key = createSecretKey(Buffer.from(json['key']!, 'utf8'));
  return { secret, json, alg: 'HS256', signKey: key, publicKey: key };
}

/** The registered and Hasura claims of an access token for `userId`, valid from `now` for 900 s. */
export function accessTokenClaims(userId: string, now: Date, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(now.getTime() / 1000);
  return {
    sub: userId,
    iss: 'hasura-auth',
    iat,
    exp: iat + 900,
    [CLAIMS_NAMESPACE]: {
      'x-hasura-allowed-roles': ['me', 'user'],
      'x-hasura-default-role': 'user',
      'x-hasura-user-id': userId,
      'x-hasura-user-is-anonymous': 'false',
    },
    ...overrides,
  };
}

/** Signs `payload` by hand; keys set to undefined in `payload` are left out. */
export async function mintToken(key: TestSigningKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const claims = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
  return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', ...header, alg: key.alg }).sign(key.signKey);
}

/** A token with `alg: none` and no signature (RFC 7519 §6 "unsecured JWT"). */
export function unsecuredToken(payload: Record<string, unknown>): string {
  const encode = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

/**
 * Asserts a failure raised before the handler: `{"error": "<text>"}` with JSON content type
 * (API.md §1.8), never the standard envelope.
 */
export function expectValidationFailure(res: ApiResponse, options: { status?: number; startsWith?: string } = {}): void {
  const status = options.status ?? 400;
  expect({ status: res.status, text: res.text }).toMatchObject({ status });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body, `body ${res.text}`).toEqual({ error: expect.any(String) });
  if (options.startsWith !== undefined) expect(res.body.error.startsWith(options.startsWith), res.body.error).toBe(true);
}

/** Asserts the security-stage failure (API.md §1.3), optionally with its exact reason. */
export function expectSecurityFailure(res: ApiResponse, reason?: string | RegExp): void {
  expectValidationFailure(res, { startsWith: SECURITY_FAILURE_PREFIX });
  const text = (res.body.error as string).slice(SECURITY_FAILURE_PREFIX.length);
  if (typeof reason === 'string') expect(text).toBe(reason);
  else if (reason) expect(text).toMatch(reason);
}

export interface RowCounts {
  users: number;
  userRoles: number;
  refreshTokens: number;
}

/** Row counts of the tables a sign-up, sign-in or PAT request writes to. */
export async function rowCounts(db: Database): Promise<RowCounts> {
  const r = await db.query<{ users: string; user_roles: string; refresh_tokens: string }>(
    `SELECT (SELECT count(*) FROM auth.users) AS users,
            (SELECT count(*) FROM auth.user_roles) AS user_roles,
            (SELECT count(*) FROM auth.refresh_tokens) AS refresh_tokens`,
  );
  const row = r.rows[0]!;
  return { users: Number(row.users), userRoles: Number(row.user_roles), refreshTokens: Number(row.refresh_tokens) };
}

/**
 * Signs a new user up through the API and returns the session; needs an app with
 * AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED=false so that sign-up answers a session.
 */
export async function signUpWithSession(t: TestApp, email = uniqueEmail('system')): Promise<{ email: string; accessToken: string; refreshToken: string; userId: string }> {
  const res = await t.request('POST', '/signup/email-password', { body: { email, password: STRONG_PASSWORD } });
  expect(res.status, res.text).toBe(200);
  const session = res.body.session;
  return { email, accessToken: session.accessToken, refreshToken: session.refreshToken, userId: session.user.id };
}

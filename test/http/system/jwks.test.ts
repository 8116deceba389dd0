import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, exportJWK, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/adapters/clock/clock.js';
import { expectContract, startTestApp, type TestApp } from '../../support/app.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import {
  accessTokenClaims,
  asymmetricSigningKey,
  expectSecurityFailure,
  hmacSigningKey,
  mintToken,
  signUpWithSession,
  type TestSigningKey,
} from '../../support/system.js';

const SESSION_ENV = { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// The asymmetric-key apps share one database: only their signing keys differ.
let shared: TestDatabase;
beforeAll(async () => {
  shared = await createTestDatabase();
});
afterAll(() => shared.drop());

async function startWithKey(key: TestSigningKey, env: Record<string, string> = {}, clock?: ManualClock): Promise<TestApp> {
  return startTestApp({ env: { ...SESSION_ENV, HASURA_GRAPHQL_JWT_SECRET: key.secret, ...env }, database: shared, clock });
}

async function fetchJwks(t: TestApp): Promise<{ keys: JWK[] }> {
  const res = await t.request('GET', '/.well-known/jwks.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expectContract('getJWKs', res);
  return res.body;
}

/** Verifies a token the way a resource server would: only with the published key set. */
async function verifyWithPublishedKeys(t: TestApp, token: string) {
  const jwks = createLocalJWKSet(await fetchJwks(t));
  return jwtVerify(token, jwks, { issuer: 'hasura-auth', currentDate: t.clock.now() });
}

describe('GET /.well-known/jwks.json with an HMAC key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: SESSION_ENV });
  });
  afterAll(() => t.close());

  it('publishes an empty key set, never the secret and never null', async () => {
    const res = await t.request('GET', '/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"keys":[]}');
    expectContract('getJWKs', res);
  });

  it('needs no token and sends no caching headers', async () => {
    const res = await t.request('GET', '/.well-known/jwks.json', { headers: { authorization: 'Bearer garbage' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBeNull();
    expect(res.headers.get('etag')).toBeNull();
  });
});

describe('GET /.well-known/jwks.json with an RS256 key and a configured kid', () => {
  const key = asymmetricSigningKey('RS256', 'rsa-key-2024');
  let t: TestApp;
  beforeAll(async () => {
    t = await startWithKey(key);
  });
  afterAll(() => t.close());

  it('publishes exactly one RSA key with alg, e, kid, kty, n and use', async () => {
    const { keys } = await fetchJwks(t);
    expect(keys).toHaveLength(1);
    const jwk = keys[0]!;
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    const expected = key.publicKey.export({ format: 'jwk' });
    expect(jwk).toEqual({ alg: 'RS256', e: 'AQAB', kid: 'rsa-key-2024', kty: 'RSA', n: expected.n, use: 'sig' });
    expect(jwk.n).toMatch(/^[A-Za-z0-9_-]+$/); // unpadded base64url
  });

  it('publishes the key that verifies the access tokens it mints, named by their kid', async () => {
    const { accessToken, userId } = await signUpWithSession(t);
    expect(decodeProtectedHeader(accessToken)).toEqual({ alg: 'RS256', kid: 'rsa-key-2024', typ: 'JWT' });
    const { payload } = await verifyWithPublishedKeys(t, accessToken);
    expect(payload.sub).toBe(userId);
  });

  it('refuses an HS256 token keyed with the published public key (algorithm confusion)', async () => {
    const { userId } = await signUpWithSession(t);
    const publicPem = key.json['key']!;
    const forged = await mintToken(hmacSigningKey(JSON.stringify({ type: 'HS256', key: publicPem })), accessTokenClaims(userId, t.clock.now()), { kid: 'rsa-key-2024' });
    expectSecurityFailure(await t.request('GET', '/user', { token: forged }), /^error validating token: /);
  });
});

describe('GET /.well-known/jwks.json with an RS256 key without a kid', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startWithKey(asymmetricSigningKey('RS256'));
  });
  afterAll(() => t.close());

  it('publishes a per-process random UUID as kid, the same on every call, and puts no kid in tokens', async () => {
    const first = await fetchJwks(t);
    const second = await fetchJwks(t);
    expect(first.keys).toHaveLength(1);
    expect(first.keys[0]!.kid).toMatch(UUID);
    expect(second).toEqual(first);

    const { accessToken } = await signUpWithSession(t);
    expect(decodeProtectedHeader(accessToken)).toEqual({ alg: 'RS256', typ: 'JWT' });
    await expect(verifyWithPublishedKeys(t, accessToken)).resolves.toBeDefined();
  });
});

describe('GET /.well-known/jwks.json with an ES256 key', () => {
  const key = asymmetricSigningKey('ES256');
  let t: TestApp;
  beforeAll(async () => {
    t = await startWithKey(key);
  });
  afterAll(() => t.close());

  it('publishes the P-256 public key, named by its RFC 7638 thumbprint', async () => {
    const { keys } = await fetchJwks(t);
    const expected = await exportJWK(key.publicKey);
    expect(keys).toEqual([
      { alg: 'ES256', crv: 'P-256', kid: await calculateJwkThumbprint(expected), kty: 'EC', use: 'sig', x: expected.x, y: expected.y },
    ]);
  });

  it('mints access tokens that verify against the published key set', async () => {
    const { accessToken, userId } = await signUpWithSession(t);
    expect(decodeProtectedHeader(accessToken).alg).toBe('ES256');
    const { payload } = await verifyWithPublishedKeys(t, accessToken);
    expect(payload.sub).toBe(userId);
  });
});

describe('GET /.well-known/jwks.json with an Ed25519 key', () => {
  const key = asymmetricSigningKey('Ed25519', 'ed-key');
  let t: TestApp;
  beforeAll(async () => {
    t = await startWithKey(key);
  });
  afterAll(() => t.close());

  it('publishes the Ed25519 public key as an OKP key for EdDSA', async () => {
    const { keys } = await fetchJwks(t);
    const expected = await exportJWK(key.publicKey);
    expect(keys).toEqual([{ alg: 'EdDSA', crv: 'Ed25519', kid: 'ed-key', kty: 'OKP', use: 'sig', x: expected.x }]);
  });

  it('mints access tokens that verify against the published key set', async () => {
    const { accessToken, userId } = await signUpWithSession(t);
    expect(decodeProtectedHeader(accessToken)).toEqual({ alg: 'EdDSA', kid: 'ed-key', typ: 'JWT' });
    const { payload } = await verifyWithPublishedKeys(t, accessToken);
    expect(payload.sub).toBe(userId);
  });
});

describe('key rotation with AUTH_JWT_PREVIOUS_SECRETS', () => {
  const oldKey = asymmetricSigningKey('RS256', 'old-key');
  const newKey = asymmetricSigningKey('RS256', 'new-key');
  const hmacKey = hmacSigningKey();
  const clock = new ManualClock(new Date());
  const retireAt = new Date(clock.now().getTime() + 10 * 60_000);
  let before: TestApp; // still signing with the old key
  let after: TestApp; // rotated: signs with the new key, trusts the old one until retireAt
  let oldSession: Awaited<ReturnType<typeof signUpWithSession>>;

  beforeAll(async () => {
    before = await startWithKey(oldKey, {}, clock);
    after = await startWithKey(
      newKey,
      { AUTH_JWT_PREVIOUS_SECRETS: JSON.stringify([{ ...oldKey.json, retire_at: retireAt.toISOString() }, hmacKey.json]) },
      clock,
    );
    oldSession = await signUpWithSession(before);
  });
  afterAll(async () => {
    await before?.close();
    await after?.close();
  });

  it('publishes the current key first, then the previous asymmetric key, but never an HMAC secret', async () => {
    const { keys } = await fetchJwks(after);
    expect(keys.map((k) => k.kid)).toEqual(['new-key', 'old-key']);
    expect(keys[0]!.n).toBe(newKey.publicKey.export({ format: 'jwk' }).n);
    expect(keys[1]!.n).toBe(oldKey.publicKey.export({ format: 'jwk' }).n);
  });

  it('signs new tokens with the current key only', async () => {
    const { accessToken } = await signUpWithSession(after);
    expect(decodeProtectedHeader(accessToken).kid).toBe('new-key');
    await expect(jwtVerify(accessToken, newKey.publicKey)).resolves.toBeDefined();
  });

  it('accepts a token signed with the previous key before it retires', async () => {
    expect(decodeProtectedHeader(oldSession.accessToken).kid).toBe('old-key');
    await expect(verifyWithPublishedKeys(after, oldSession.accessToken)).resolves.toBeDefined();
    const res = await after.request('GET', '/user', { token: oldSession.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(oldSession.userId);
    expectContract('getUser', res);
  });

  it('accepts a token signed with a previous HMAC key without publishing it', async () => {
    const token = await mintToken(hmacKey, accessTokenClaims(oldSession.userId, clock.now()));
    const res = await after.request('GET', '/user', { token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toBe(oldSession.userId);
  });

  it('refuses the previous key’s tokens and stops publishing it once it retires', async () => {
    const fresh = await signUpWithSession(after);
    clock.set(new Date(retireAt.getTime() - 1000));
    expect((await after.request('GET', '/user', { token: oldSession.accessToken })).status).toBe(200);

    // Both access tokens are still within their 900 s lifetime: only the retirement refuses the old one.
    clock.set(retireAt);
    const refused = await after.request('GET', '/user', { token: oldSession.accessToken });
    expectSecurityFailure(refused, /^error validating token: /);

    const { keys } = await fetchJwks(after);
    expect(keys.map((k) => k.kid)).toEqual(['new-key']);
    const res = await after.request('GET', '/user', { token: fresh.accessToken });
    expect(res.status, res.text).toBe(200);
  });
});

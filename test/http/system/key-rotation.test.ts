import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/adapters/clock/clock.js';
import { capturingLogger, expectContract, expectError, startTestApp, TEST_JWT_SECRET, type TestApp } from '../../support/app.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { refresh } from '../../support/sessions.js';
import { asymmetricSigningKey, expectSecurityFailure, signUpWithSession, type TestSigningKey } from '../../support/system.js';

/**
 * Rotating the signing key (AUTH_JWT_PREVIOUS_SECRETS, docs/key-rotation.md): the operator starts
 * the server with the new key as HASURA_GRAPHQL_JWT_SECRET and the old one as a previous key with
 * a retire_at. Sessions begun before the rotation go on; the old key's tokens stop at retire_at.
 */
const SESSION_ENV = { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' };
const MINUTE = 60_000;

let shared: TestDatabase;
beforeAll(async () => {
  shared = await createTestDatabase();
});
afterAll(() => shared.drop());

function start(current: string, previous: object[], clock: ManualClock, log = capturingLogger()): Promise<TestApp> {
  const env: Record<string, string> = { ...SESSION_ENV, HASURA_GRAPHQL_JWT_SECRET: current };
  if (previous.length > 0) env['AUTH_JWT_PREVIOUS_SECRETS'] = JSON.stringify(previous);
  return startTestApp({ env, database: shared, clock, log: log.log });
}

async function jwks(t: TestApp): Promise<{ keys: JWK[] }> {
  const res = await t.request('GET', '/.well-known/jwks.json');
  expect(res.status).toBe(200);
  expectContract('getJWKs', res);
  return res.body;
}

const thumbprintOf = (key: TestSigningKey) => calculateJwkThumbprint(key.publicKey.export({ format: 'jwk' }) as JWK);

describe('rotating an RS256 key configured without kid (the reference’s usual setup)', () => {
  const oldKey = asymmetricSigningKey('RS256');
  const newKey = asymmetricSigningKey('RS256');
  const clock = new ManualClock(new Date());
  const retireAt = new Date(clock.now().getTime() + 30 * MINUTE);
  const log = capturingLogger();
  let before: TestApp; // the old configuration
  let after: TestApp; // rotated
  let replica: TestApp; // a second instance with the same configuration
  let oldSession: Awaited<ReturnType<typeof signUpWithSession>>;

  beforeAll(async () => {
    before = await start(oldKey.secret, [], clock);
    oldSession = await signUpWithSession(before);
    const previous = [{ ...oldKey.json, retire_at: retireAt.toISOString() }];
    after = await start(newKey.secret, previous, clock, log);
    replica = await start(newKey.secret, previous, clock);
  });
  afterAll(async () => {
    await before?.close();
    await after?.close();
    await replica?.close();
  });

  it('signed with no kid before the rotation, as the reference does', () => {
    expect(decodeProtectedHeader(oldSession.accessToken).kid).toBeUndefined();
  });

  it('publishes both keys under stable names, the same on every instance', async () => {
    const published = await jwks(after);
    expect(published.keys.map((k) => k.kid)).toEqual([await thumbprintOf(newKey), await thumbprintOf(oldKey)]);
    expect(await jwks(replica)).toEqual(published);
  });

  it('signs new tokens with the newest key, named by the kid the JWKS publishes', async () => {
    const fresh = await signUpWithSession(after);
    expect(decodeProtectedHeader(fresh.accessToken)).toEqual({ alg: 'RS256', kid: await thumbprintOf(newKey), typ: 'JWT' });
    await expect(jwtVerify(fresh.accessToken, createLocalJWKSet(await jwks(after)), { currentDate: clock.now() })).resolves.toBeDefined();
    await expect(jwtVerify(fresh.accessToken, newKey.publicKey, { currentDate: clock.now() })).resolves.toBeDefined();
  });

  it('keeps accepting the old key’s tokens during the grace: /user and /token/verify', async () => {
    const user = await after.request('GET', '/user', { token: oldSession.accessToken });
    expect(user.status, user.text).toBe(200);
    expect(user.body.id).toBe(oldSession.userId);
    const verify = await after.request('POST', '/token/verify', { body: { token: oldSession.accessToken } });
    expect(verify.status, verify.text).toBe(200);
    expectContract('verifyToken', verify);
  });

  it('refreshes a session begun before the rotation into a token of the new key', async () => {
    const res = await refresh(after, oldSession.refreshToken);
    expect(res.status, res.text).toBe(200);
    expect(decodeProtectedHeader(res.body.accessToken).kid).toBe(await thumbprintOf(newKey));
    await expect(jwtVerify(res.body.accessToken, newKey.publicKey, { currentDate: clock.now() })).resolves.toBeDefined();
  });

  it('refuses the old key’s tokens once it retires, and stops publishing it', async () => {
    // A token the old key signed just before retire_at, still inside its 15 minutes of life.
    clock.set(new Date(retireAt.getTime() - 5 * MINUTE));
    const late = await signUpWithSession(before);
    clock.set(retireAt);

    expectSecurityFailure(await after.request('GET', '/user', { token: late.accessToken }), /^error validating token: /);
    expectError(await after.request('POST', '/token/verify', { body: { token: late.accessToken } }), 400, 'invalid-request');
    expect((await jwks(after)).keys.map((k) => k.kid)).toEqual([await thumbprintOf(newKey)]);

    const fresh = await signUpWithSession(after);
    expect((await after.request('GET', '/user', { token: fresh.accessToken })).status).toBe(200);
  });

  it('logs nothing about a previous key that retires in the future', () => {
    expect(log.lines.filter((l) => l.includes('AUTH_JWT_PREVIOUS_SECRETS'))).toEqual([]);
  });
});

describe('moving from an HMAC key to an asymmetric one', () => {
  const newKey = asymmetricSigningKey('ES256', 'es-2030');
  const clock = new ManualClock(new Date());
  const log = capturingLogger();
  let before: TestApp;
  let after: TestApp;

  beforeAll(async () => {
    before = await start(TEST_JWT_SECRET, [], clock);
    after = await start(newKey.secret, [JSON.parse(TEST_JWT_SECRET)], clock, log);
  });
  afterAll(async () => {
    await before?.close();
    await after?.close();
  });

  it('accepts the HMAC tokens without ever publishing the HMAC secret', async () => {
    const old = await signUpWithSession(before);
    expect((await after.request('GET', '/user', { token: old.accessToken })).status).toBe(200);
    expect((await jwks(after)).keys.map((k) => k.kid)).toEqual(['es-2030']);
    const fresh = await signUpWithSession(after);
    expect(decodeProtectedHeader(fresh.accessToken)).toEqual({ alg: 'ES256', kid: 'es-2030', typ: 'JWT' });
  });

  it('warns at start-up that a previous key without retire_at never stops verifying', () => {
    const warnings = log.lines.map((l) => JSON.parse(l)).filter((l) => l.level === 40 && String(l.msg).includes('AUTH_JWT_PREVIOUS_SECRETS'));
    expect(warnings.map((w) => w.msg)).toEqual(['AUTH_JWT_PREVIOUS_SECRETS item 1 has no retire_at: tokens it signed verify for as long as it is listed']);
    expect(log.lines.join('\n')).not.toContain(JSON.parse(TEST_JWT_SECRET).key);
  });
});

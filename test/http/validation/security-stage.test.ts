import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, startTestApp, type TestApp } from '../../support/app.js';
import {
  accessTokenClaims,
  asymmetricSigningKey,
  expectSecurityFailure,
  hmacSigningKey,
  mintToken,
  rowCounts,
  signUpWithSession,
  unsecuredToken,
} from '../../support/system.js';

const serverKey = hmacSigningKey(); // the key the test app signs with (BASE_ENV)
const INVALID_HEADER = 'invalid authorization header';
const INVALID_TOKEN = /^error validating token: /;

describe('security stage of bearer operations', () => {
  let t: TestApp;
  let user: Awaited<ReturnType<typeof signUpWithSession>>;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false' } });
    user = await signUpWithSession(t);
  });
  afterAll(() => t.close());

  const getUser = (authorization?: string) => t.request('GET', '/user', authorization === undefined ? {} : { headers: { authorization } });

  it('accepts the session’s access token and a well-formed token minted with the server key', async () => {
    const res = await getUser(`Bearer ${user.accessToken}`);
    expect(res.status, res.text).toBe(200);
    expectContract('getUser', res);
    const minted = await mintToken(serverKey, accessTokenClaims(user.userId, t.clock.now()));
    expect((await getUser(`Bearer ${minted}`)).status).toBe(200);
  });

  it('answers 400 (not 401) with the validator’s message when there is no Authorization header', async () => {
    const res = await getUser();
    expect(res.body).toEqual({ error: `error in openapi3filter.SecurityRequirementsError: security requirements failed: ${INVALID_HEADER}` });
    expectSecurityFailure(res, INVALID_HEADER);
  });

  it('refuses headers that are not exactly "Bearer <token>"', async () => {
    for (const header of ['Bearer', `bearer ${user.accessToken}`, `BEARER ${user.accessToken}`, `Bearer  ${user.accessToken}`, `Bearer ${user.accessToken} x`, `Basic ${user.accessToken}`, user.accessToken]) {
      const res = await getUser(header);
      expectSecurityFailure(res, INVALID_HEADER);
    }
    // "Bearer " splits into "Bearer" and an empty token: refused, whatever the reason given.
    expectSecurityFailure(await getUser('Bearer '));
  });

  it('refuses a token that is not a JWT', async () => {
    for (const garbage of ['garbage', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.e30']) {
      expectSecurityFailure(await getUser(`Bearer ${garbage}`), INVALID_TOKEN);
    }
  });

  it('accepts a token until its 900 s lifetime ends, then refuses it', async () => {
    const { accessToken } = await signUpWithSession(t);
    const start = t.clock.now();
    try {
      t.clock.advance(899_000);
      expect((await getUser(`Bearer ${accessToken}`)).status).toBe(200);
      t.clock.advance(1_000);
      expectSecurityFailure(await getUser(`Bearer ${accessToken}`), INVALID_TOKEN);
    } finally {
      t.clock.set(start);
    }
  });

  it('refuses a token signed with another key, of the same or another algorithm', async () => {
    const otherHmac = hmacSigningKey(JSON.stringify({ type: 'HS256', key: 'another-key-that-is-also-long-enough-for-hs256-xyz' }));
    const otherRsa = asymmetricSigningKey('RS256');
    for (const key of [otherHmac, otherRsa]) {
      const token = await mintToken(key, accessTokenClaims(user.userId, t.clock.now()));
      expectSecurityFailure(await getUser(`Bearer ${token}`), INVALID_TOKEN);
    }
  });

  it('refuses an unsigned token with alg "none"', async () => {
    const forged = unsecuredToken(accessTokenClaims(user.userId, t.clock.now()));
    expectSecurityFailure(await getUser(`Bearer ${forged}`), INVALID_TOKEN);
    // The same token with the original signature swapped in does not verify either.
    const signature = user.accessToken.split('.')[2]!;
    expectSecurityFailure(await getUser(`Bearer ${forged}${signature}`), INVALID_TOKEN);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = user.accessToken.split('.');
    const other = await signUpWithSession(t);
    const payload = other.accessToken.split('.')[1];
    expectSecurityFailure(await getUser(`Bearer ${header}.${payload}.${signature}`), INVALID_TOKEN);
  });

  it('checks the issuer, the expiry and the time claims of a correctly signed token', async () => {
    const now = t.clock.now();
    const seconds = Math.floor(now.getTime() / 1000);
    const cases: Record<string, Record<string, unknown>> = {
      'another issuer': { iss: 'someone-else' },
      'no issuer': { iss: undefined },
      'no expiry': { exp: undefined },
      'issued in the future': { iat: seconds + 60, exp: seconds + 960 },
      'not valid yet': { nbf: seconds + 60 },
    };
    for (const [name, overrides] of Object.entries(cases)) {
      const token = await mintToken(serverKey, accessTokenClaims(user.userId, now, overrides));
      const res = await getUser(`Bearer ${token}`);
      expect(res.status, name).toBe(400);
      expectSecurityFailure(res, INVALID_TOKEN);
    }
  });

  it('checks security before the body: a missing token with an invalid body reports the token', async () => {
    const before = await rowCounts(t.db);
    for (const raw of ['{', '{"expiresAt": 5, "extra": true}', '']) {
      const res = await t.request('POST', '/pat', { raw, contentType: 'application/json' });
      expectSecurityFailure(res, INVALID_HEADER);
      const garbage = await t.request('POST', '/pat', { raw, contentType: 'text/plain', headers: { authorization: 'Bearer garbage' } });
      expectSecurityFailure(garbage, INVALID_TOKEN);
    }
    expect(await rowCounts(t.db)).toEqual(before);
  });

  it('checks the body once the token is accepted', async () => {
    const res = await t.request('POST', '/pat', { raw: '{', contentType: 'application/json', token: user.accessToken });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^error in openapi3filter\.RequestError: /);
  });

  it('lets an invalid token through on bearer-optional operations, to the handler', async () => {
    // POST /token/verify with a body token ignores the header entirely.
    const res = await t.request('POST', '/token/verify', { body: { token: user.accessToken }, headers: { authorization: 'Bearer garbage' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toBe('OK');
    expectContract('verifyToken', res);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, expectContract, expectError, startTestApp, type TestApp } from '../../support/app.js';
import { CLAIMS, createSignedInUser, refresh } from '../../support/sessions.js';
import { elevateWithPasskey, newAuthenticator, signUpWithPasskey, WEBAUTHN_ENV } from '../../support/webauthn.js';

const NOT_ELEVATED = 'error in openapi3filter.SecurityRequirementsError: security requirements failed: elevated-claim-required';

async function addKey(t: TestApp, token: string, authenticator = newAuthenticator(), nickname?: string) {
  const begin = await t.request('POST', '/user/webauthn/add', { token });
  if (begin.status !== 200) return { begin, verify: begin, authenticator };
  const body: Record<string, unknown> = { credential: authenticator.create(begin.body) };
  if (nickname !== undefined) body['nickname'] = nickname;
  const verify = await t.request('POST', '/user/webauthn/verify', { token, body });
  return { begin, verify, authenticator };
}

describe('security keys and elevation, AUTH_REQUIRE_ELEVATED_CLAIM=required, AUTH_API_PREFIX=/v1', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...WEBAUTHN_ENV, AUTH_REQUIRE_ELEVATED_CLAIM: 'required', AUTH_API_PREFIX: '/v1' } });
  });
  afterAll(() => t?.close());

  it('lets a user without keys register a first one under the prefix, then requires elevation for the second (compat S6)', async () => {
    expect(t.baseUrl.endsWith('/v1')).toBe(true);
    const user = await createSignedInUser(t);
    const first = await addKey(t, user.session.accessToken, newAuthenticator(), 'laptop');

    expect(first.begin.status, first.begin.text).toBe(200);
    expectContract('addSecurityKey', first.begin);
    expect(first.begin.body.user).toEqual({ id: user.id, name: user.email, displayName: user.email });
    expect(first.verify.status, first.verify.text).toBe(200);
    expectContract('verifyAddSecurityKey', first.verify);
    expect(first.verify.body).toEqual({ id: expect.any(String), nickname: 'laptop' });

    // Now the user has a key: the same plain token no longer passes.
    const second = await t.request('POST', '/user/webauthn/add', { token: user.session.accessToken });
    expect(second.status).toBe(400);
    expect(second.body).toEqual({ error: NOT_ELEVATED });

    const elevated = await elevateWithPasskey(t, first, user.session.accessToken);
    const claims = decodeJwt(elevated.accessToken);
    expect(claims[CLAIMS]['x-hasura-auth-elevated']).toBe(user.id);
    const again = await addKey(t, elevated.accessToken);
    expect(again.begin.body.excludeCredentials).toEqual([{ type: 'public-key', id: first.authenticator.credentials[0]!.id }]);
    expect(again.verify.status, again.verify.text).toBe(200);
    expect(again.verify.body).toEqual({ id: expect.any(String) });
    const { rows } = await t.db.query<{ nickname: string | null }>('SELECT nickname FROM auth.user_security_keys WHERE user_id = $1 ORDER BY nickname NULLS LAST', [user.id]);
    expect(rows).toEqual([{ nickname: 'laptop' }, { nickname: null }]);
  });

  it('elevates: a new session whose access token alone carries the claim, which a refresh drops', async () => {
    const user = await signUpWithPasskey(t);
    // Elevated operations refuse the plain token of a user with a key.
    const pat = await t.request('POST', '/pat', { token: user.session.accessToken, body: { expiresAt: '2099-01-01T00:00:00Z' } });
    expect(pat.body).toEqual({ error: NOT_ELEVATED });

    const begin = await t.request('POST', '/elevate/webauthn', { token: user.session.accessToken });
    expect(begin.status, begin.text).toBe(200);
    expectContract('elevateWebauthn', begin);
    expect(begin.body.allowCredentials).toEqual([{ type: 'public-key', id: user.authenticator.credentials[0]!.id }]);
    const verify = await t.request('POST', '/elevate/webauthn/verify', { token: user.session.accessToken, body: { credential: user.authenticator.get(begin.body) } });
    expect(verify.status, verify.text).toBe(200);
    expectContract('verifyElevateWebauthn', verify);
    const elevated = verify.body.session;
    expect(elevated.refreshTokenId).not.toBe(user.session.refreshTokenId);
    expect(decodeJwt(elevated.accessToken)[CLAIMS]['x-hasura-auth-elevated']).toBe(user.id);

    expect((await t.request('POST', '/pat', { token: elevated.accessToken, body: { expiresAt: '2099-01-01T00:00:00Z' } })).status).toBe(200);
    const refreshed = await refresh(t, elevated.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.accessToken)[CLAIMS]).not.toHaveProperty('x-hasura-auth-elevated');
    // The caller's original session is untouched.
    expect((await refresh(t, user.session.refreshToken)).status).toBe(200);
  });

  it('refuses an elevation challenge issued for another user, and it stays usable by its owner', async () => {
    const victim = await signUpWithPasskey(t);
    const attacker = await signUpWithPasskey(t);
    const victimBegin = await t.request('POST', '/elevate/webauthn', { token: victim.session.accessToken });
    // The reference let anyone finish any challenge (FLOWS.md §20 S9).
    const stolen = await t.request('POST', '/elevate/webauthn/verify', { token: attacker.session.accessToken, body: { credential: attacker.authenticator.get({ ...victimBegin.body, allowCredentials: undefined }) } });
    expectError(stolen, 400, 'invalid-request');
    const foreignKey = await t.request('POST', '/elevate/webauthn/verify', { token: victim.session.accessToken, body: { credential: attacker.authenticator.get({ ...victimBegin.body, allowCredentials: undefined }) } });
    expectError(foreignKey, 400, 'invalid-request');

    const victimBegin2 = await t.request('POST', '/elevate/webauthn', { token: victim.session.accessToken });
    const ok = await t.request('POST', '/elevate/webauthn/verify', { token: victim.session.accessToken, body: { credential: victim.authenticator.get(victimBegin2.body) } });
    expect(ok.status, ok.text).toBe(200);
  });

  it('refuses a key-registration challenge issued for another user', async () => {
    const alice = await createSignedInUser(t);
    const bob = await createSignedInUser(t);
    const aliceBegin = await t.request('POST', '/user/webauthn/add', { token: alice.session.accessToken });
    const credential = newAuthenticator().create(aliceBegin.body);
    expectError(await t.request('POST', '/user/webauthn/verify', { token: bob.session.accessToken, body: { credential } }), 400, 'invalid-request');
    // Bob's attempt did not burn Alice's challenge.
    expect((await t.request('POST', '/user/webauthn/verify', { token: alice.session.accessToken, body: { credential } })).status).toBe(200);
  });

  it('answers invalid-request to elevate a user without keys, and refuses a replayed or expired elevation challenge', async () => {
    const keyless = await createSignedInUser(t);
    expectError(await t.request('POST', '/elevate/webauthn', { token: keyless.session.accessToken }), 400, 'invalid-request');

    const user = await signUpWithPasskey(t);
    const begin = await t.request('POST', '/elevate/webauthn', { token: user.session.accessToken });
    const credential = user.authenticator.get(begin.body);
    expect((await t.request('POST', '/elevate/webauthn/verify', { token: user.session.accessToken, body: { credential } })).status).toBe(200);
    expectError(await t.request('POST', '/elevate/webauthn/verify', { token: user.session.accessToken, body: { credential } }), 400, 'invalid-request');

    const late = await t.request('POST', '/elevate/webauthn', { token: user.session.accessToken });
    t.clock.advance(60_001); // AUTH_WEBAUTHN_ATTESTATION_TIMEOUT (default 60 s); the access token lives 15 min.
    expectError(await t.request('POST', '/elevate/webauthn/verify', { token: user.session.accessToken, body: { credential: user.authenticator.get(late.body) } }), 400, 'invalid-request');
  });

  it('refuses a credential that is already registered with 400', async () => {
    const user = await createSignedInUser(t);
    const authenticator = newAuthenticator();
    const first = await addKey(t, user.session.accessToken, authenticator);
    expect(first.verify.status).toBe(200);
    const other = await createSignedInUser(t);
    const begin = await t.request('POST', '/user/webauthn/add', { token: other.session.accessToken });
    // The same authenticator registers the same credential for a second account (the reference: 500).
    const reused = authenticator.create(begin.body, { reuse: authenticator.credentials[0]! });
    expectError(await t.request('POST', '/user/webauthn/verify', { token: other.session.accessToken, body: { credential: reused } }), 400, 'invalid-request');
    const signUp = await t.request('POST', '/signup/webauthn', { body: { email: `reuse-${Date.now()}@example.com` } });
    const reusedAtSignUp = authenticator.create(signUp.body, { reuse: authenticator.credentials[0]! });
    expectError(await t.request('POST', '/signup/webauthn/verify', { body: { credential: reusedAtSignUp } }), 400, 'invalid-request');
  });

  it('needs a bearer token, and refuses bad input with 400', async () => {
    expect((await t.request('POST', '/user/webauthn/add')).status).toBe(400);
    expect((await t.request('POST', '/elevate/webauthn')).status).toBe(400);
    const user = await createSignedInUser(t);
    for (const body of [{}, { credential: {} }, { credential: { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'AA' } } }, { credential: { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'AA' } }, nickname: 1 }]) {
      const res = await t.request('POST', '/user/webauthn/verify', { token: user.session.accessToken, body });
      expect(res.status, res.text).toBe(400);
    }
    const passkey = await signUpWithPasskey(t);
    for (const body of [{}, { credential: { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' } } }]) {
      const res = await t.request('POST', '/elevate/webauthn/verify', { token: passkey.session.accessToken, body });
      expect(res.status, res.text).toBe(400);
    }
  });
});

describe('elevation modes on the earlier elevated operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...WEBAUTHN_ENV, AUTH_REQUIRE_ELEVATED_CLAIM: 'recommended' } });
  });
  afterAll(() => t?.close());

  it('recommended: a user with a key must elevate for /pat, /user/email/change and bearer-mode /user/password', async () => {
    const user = await signUpWithPasskey(t);
    const token = user.session.accessToken;
    expect((await t.request('POST', '/pat', { token, body: { expiresAt: '2099-01-01T00:00:00Z' } })).body).toEqual({ error: NOT_ELEVATED });
    expect((await t.request('POST', '/user/email/change', { token, body: { newEmail: 'new-address@example.com' } })).body).toEqual({ error: NOT_ELEVATED });
    // /user/password falls back to ticket mode, which needs a ticket.
    expectError(await t.request('POST', '/user/password', { token, body: { newPassword: 'another-pass-1' } }), 400, 'invalid-request');
    // Adding a second key is elevated too (the first-key exception only helps users without keys).
    expect((await t.request('POST', '/user/webauthn/add', { token })).body).toEqual({ error: NOT_ELEVATED });

    const elevated = await elevateWithPasskey(t, user, token);
    expect((await t.request('POST', '/pat', { token: elevated.accessToken, body: { expiresAt: '2099-01-01T00:00:00Z' } })).status).toBe(200);
    expect((await t.request('POST', '/user/password', { token: elevated.accessToken, body: { newPassword: 'another-pass-1' } })).status).toBe(200);
    expect((await t.request('POST', '/user/webauthn/add', { token: elevated.accessToken })).status).toBe(200);
  });

  it('recommended: a user without keys needs no elevation', async () => {
    const user = await createSignedInUser(t);
    expect((await t.request('POST', '/pat', { token: user.session.accessToken, body: { expiresAt: '2099-01-01T00:00:00Z' } })).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, expectContract, expectError, startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import { CLAIMS, createSignedInUser } from '../../support/sessions.js';
import { signUpWithPasskey, WEBAUTHN_ENV } from '../../support/webauthn.js';

describe('POST /signin/webauthn and /signin/webauthn/verify', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: WEBAUTHN_ENV });
  });
  afterAll(() => t?.close());

  it('signs in with a discoverable credential: no e-mail, the authenticator names the user', async () => {
    const user = await signUpWithPasskey(t);
    const begin = await t.request('POST', '/signin/webauthn');

    expect(begin.status, begin.text).toBe(200);
    expectContract('signInWebauthn', begin);
    expect(begin.body).toEqual({ challenge: expect.any(String), timeout: 60000, rpId: 'localhost', userVerification: 'preferred' });

    const res = await t.request('POST', '/signin/webauthn/verify', { body: { credential: user.authenticator.get(begin.body) } });
    expect(res.status, res.text).toBe(200);
    expectContract('verifySignInWebauthn', res);
    expect(res.body.session.user.id).toBe(user.id);
    expect(decodeJwt(res.body.session.accessToken)[CLAIMS]).not.toHaveProperty('x-hasura-auth-elevated');
    const { rows } = await t.db.query<{ counter: number }>('SELECT counter::int AS counter FROM auth.user_security_keys WHERE user_id = $1', [user.id]);
    expect(rows).toEqual([{ counter: 1 }]);
  });

  it('signs in e-mail first: the options list the user\'s keys', async () => {
    const user = await signUpWithPasskey(t);
    const begin = await t.request('POST', '/signin/webauthn', { body: { email: user.email } });

    expect(begin.status, begin.text).toBe(200);
    expectContract('signInWebauthn', begin);
    expect(begin.body.allowCredentials).toEqual([{ type: 'public-key', id: user.authenticator.credentials[0]!.id }]);
    // An authenticator may leave out the user handle for a non-discoverable credential.
    const res = await t.request('POST', '/signin/webauthn/verify', { body: { credential: user.authenticator.get(begin.body, { userHandle: null }), email: user.email } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.session.user.id).toBe(user.id);
  });

  it('refuses a key of another user for an e-mail-first challenge', async () => {
    const alice = await signUpWithPasskey(t);
    const mallory = await signUpWithPasskey(t);
    const begin = await t.request('POST', '/signin/webauthn', { body: { email: alice.email } });
    const withOwnHandle = mallory.authenticator.get({ ...begin.body, allowCredentials: undefined });
    expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: withOwnHandle } }), 400, 'invalid-request');

    const begin2 = await t.request('POST', '/signin/webauthn', { body: { email: alice.email } });
    const withAliceHandle = mallory.authenticator.get({ ...begin2.body, allowCredentials: undefined }, { userHandle: alice.id });
    expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: withAliceHandle } }), 400, 'invalid-request');
  });

  it('refuses a replayed challenge and a signature counter that went backwards', async () => {
    const user = await signUpWithPasskey(t);
    const begin = await t.request('POST', '/signin/webauthn');
    const assertion = user.authenticator.get(begin.body, { counter: 10 });
    expect((await t.request('POST', '/signin/webauthn/verify', { body: { credential: assertion } })).status).toBe(200);
    expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: assertion } }), 400, 'invalid-request');

    // A cloned authenticator: a fresh challenge, but a counter at or below the stored 10.
    for (const counter of [10, 3]) {
      const again = await t.request('POST', '/signin/webauthn');
      const cloned = user.authenticator.get(again.body, { counter });
      expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: cloned } }), 400, 'invalid-request');
    }
    const next = await t.request('POST', '/signin/webauthn');
    expect((await t.request('POST', '/signin/webauthn/verify', { body: { credential: user.authenticator.get(next.body, { counter: 11 }) } })).status).toBe(200);
  });

  it('refuses a wrong origin, a wrong RP id and an expired challenge', async () => {
    const user = await signUpWithPasskey(t);
    for (const overrides of [{ origin: 'http://localhost:3001' }, { rpId: 'example.com' }, { type: 'webauthn.create' }]) {
      const begin = await t.request('POST', '/signin/webauthn');
      expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: user.authenticator.get(begin.body, overrides) } }), 400, 'invalid-request');
    }
    const begin = await t.request('POST', '/signin/webauthn');
    t.clock.advance(60_001);
    expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: user.authenticator.get(begin.body) } }), 400, 'invalid-request');
  });

  it('refuses a sign-up or elevation challenge for a sign-in', async () => {
    const user = await signUpWithPasskey(t);
    const elevate = await t.request('POST', '/elevate/webauthn', { token: user.session.accessToken });
    expect(elevate.status, elevate.text).toBe(200);
    expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: user.authenticator.get(elevate.body) } }), 400, 'invalid-request');
  });

  // Deliberate difference (docs/compat.md S30): the reference answers invalid-email-password,
  // invalid-request or disabled-user here, telling anyone which e-mails have accounts.
  it('answers an unknown e-mail, an account without keys and a disabled account alike', async () => {
    const nobody = uniqueEmail('nobody');
    const withoutKey = await createSignedInUser(t);
    const withKey = await signUpWithPasskey(t);
    const disabled = await signUpWithPasskey(t);
    await t.db.query('UPDATE auth.users SET disabled = true WHERE id = $1', [disabled.id]);

    const begin = (email: string) => t.request('POST', '/signin/webauthn', { body: { email } });
    const answers = await Promise.all([nobody, withoutKey.email, withKey.email, disabled.email].map(begin));
    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(200);
      expectContract('signInWebauthn', answer);
      expect(answer.body).toEqual({
        challenge: expect.any(String),
        timeout: 60000,
        rpId: 'localhost',
        userVerification: 'preferred',
        allowCredentials: [{ type: 'public-key', id: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/) }],
      });
    }
    // The decoy is stable per address (asking again tells nothing), and differs between addresses.
    const again = await begin(nobody);
    expect(again.body.allowCredentials).toEqual(answers[0]!.body.allowCredentials);
    expect(answers[1]!.body.allowCredentials).not.toEqual(answers[0]!.body.allowCredentials);

    // No authenticator holds a decoy; an assertion made anyway (without a user handle) fails as a
    // wrong key does.
    const forced = withKey.authenticator.get(answers[0]!.body, { credential: withKey.authenticator.credentials[0], userHandle: null });
    expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: forced } }), 400, 'invalid-request');

    // The user-state errors go to whoever proves a key of the account.
    expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: disabled.authenticator.get(answers[3]!.body) } }), 401, 'disabled-user');
    const discoverable = await t.request('POST', '/signin/webauthn');
    expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: disabled.authenticator.get(discoverable.body) } }), 401, 'disabled-user');
  });

  it('refuses a discoverable assertion without a usable user handle with 400', async () => {
    const user = await signUpWithPasskey(t);
    for (const userHandle of [null, 'not-a-uuid']) {
      const begin = await t.request('POST', '/signin/webauthn');
      expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: user.authenticator.get(begin.body, { userHandle }) } }), 400, 'invalid-request');
    }
  });

  it('refuses malformed assertions with 400, never 500', async () => {
    const user = await signUpWithPasskey(t);
    const begin = await t.request('POST', '/signin/webauthn');
    const good = user.authenticator.get(begin.body);
    const cases: unknown[] = [
      {},
      { credential: { ...good, response: { ...good.response, signature: 'AAAA' } } },
      { credential: { ...good, response: { ...good.response, authenticatorData: '' } } },
      { credential: { ...good, rawId: 'not base64!' } },
      { credential: { ...good, response: { ...good.response, extra: 1 } } },
      { credential: good, email: 'not-an-email' },
    ];
    for (const body of cases) {
      const res = await t.request('POST', '/signin/webauthn/verify', { body });
      expect(res.status, `${JSON.stringify(body).slice(0, 120)} → ${res.text}`).toBe(400);
    }
    expect((await t.request('POST', '/signin/webauthn', { body: { email: 'nope' } })).status).toBe(400);
    expect((await t.request('POST', '/signin/webauthn', { body: { other: 1 } })).status).toBe(400);
  });
});

describe('WebAuthn sign-in while WebAuthn is off', () => {
  it('answers disabled-endpoint', async () => {
    const t = await startTestApp();
    try {
      expectError(await t.request('POST', '/signin/webauthn'), 409, 'disabled-endpoint');
      expectError(await t.request('POST', '/signin/webauthn/verify', { body: { credential: { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'a', authenticatorData: 'a', signature: 'a' } } } }), 409, 'disabled-endpoint');
    } finally {
      await t.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, expectError, startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import { followLink, pkcePair } from '../../support/mail-links.js';
import { CLAIMS } from '../../support/sessions.js';
import { newAuthenticator, signUpWithPasskey, WEBAUTHN_ENV } from '../../support/webauthn.js';
import { decodeJwt } from '../../support/app.js';

describe('POST /signup/webauthn and /signup/webauthn/verify', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ...WEBAUTHN_ENV, AUTH_WEBAUTHN_RP_NAME: 'Latchkey Tests', AUTH_WEBAUTHN_ATTESTATION_TIMEOUT: '45000' } });
  });
  afterAll(() => t?.close());

  it('answers creation options for a new user id, honouring the configured timeout', async () => {
    const email = uniqueEmail('wa-options');
    const res = await t.request('POST', '/signup/webauthn', { body: { email, options: { displayName: 'Ada Lovelace' } } });

    expect(res.status, res.text).toBe(200);
    expectContract('signUpWebauthn', res);
    expect(res.body).toMatchObject({
      rp: { name: 'Latchkey Tests', id: 'localhost' },
      user: { name: 'Ada Lovelace', displayName: 'Ada Lovelace' },
      timeout: 45000,
      attestation: 'indirect',
      authenticatorSelection: { requireResidentKey: false, residentKey: 'preferred', userVerification: 'preferred' },
    });
    expect(res.body.user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.body.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body).not.toHaveProperty('excludeCredentials');
    // Nothing but the challenge is stored.
    const users = await t.db.query('SELECT 1 FROM auth.users WHERE email = $1', [email]);
    expect(users.rows).toHaveLength(0);
  });

  it('creates the user with its key and answers a session (none attestation)', async () => {
    const user = await signUpWithPasskey(t);

    expect(user.session.user).toMatchObject({ id: user.id, email: user.email, displayName: user.email, emailVerified: false });
    const claims = decodeJwt(user.session.accessToken);
    expect(claims.sub).toBe(user.id);
    expect(claims[CLAIMS]).not.toHaveProperty('x-hasura-auth-elevated');
    const { rows } = await t.db.query<{ credential_id: string; nickname: string; counter: string }>('SELECT credential_id, nickname, counter::int AS counter FROM auth.user_security_keys WHERE user_id = $1', [user.id]);
    expect(rows).toEqual([{ credential_id: user.authenticator.credentials[0]!.id, nickname: '', counter: 0 }]);
    const { rows: u } = await t.db.query<{ password_hash: string | null }>('SELECT password_hash FROM auth.users WHERE id = $1', [user.id]);
    expect(u[0]!.password_hash).toBeNull();
  });

  it('accepts packed self-attestation and stores the nickname', async () => {
    const authenticator = newAuthenticator({ attestation: 'packed' });
    const begin = await t.request('POST', '/signup/webauthn', { body: { email: uniqueEmail('wa-packed') } });
    const res = await t.request('POST', '/signup/webauthn/verify', { body: { credential: authenticator.create(begin.body), nickname: 'YubiKey' } });

    expect(res.status, res.text).toBe(200);
    expectContract('verifySignUpWebauthn', res);
    const { rows } = await t.db.query<{ nickname: string }>('SELECT nickname FROM auth.user_security_keys WHERE user_id = $1', [begin.body.user.id]);
    expect(rows).toEqual([{ nickname: 'YubiKey' }]);
  });

  it('keeps the options given at the start', async () => {
    const begin = await t.request('POST', '/signup/webauthn', { body: { email: uniqueEmail('wa-opts'), options: { displayName: 'Grace', allowedRoles: ['user'], defaultRole: 'user', metadata: { team: 'a' } } } });
    const res = await t.request('POST', '/signup/webauthn/verify', { body: { credential: newAuthenticator().create(begin.body) } });

    expect(res.status, res.text).toBe(200);
    expect(res.body.session.user).toMatchObject({ displayName: 'Grace', roles: ['user'], defaultRole: 'user', metadata: { team: 'a' } });
  });

  it('refuses a replayed sign-up challenge', async () => {
    const authenticator = newAuthenticator();
    const begin = await t.request('POST', '/signup/webauthn', { body: { email: uniqueEmail('wa-replay') } });
    const credential = authenticator.create(begin.body);
    expect((await t.request('POST', '/signup/webauthn/verify', { body: { credential } })).status).toBe(200);

    const replay = await t.request('POST', '/signup/webauthn/verify', { body: { credential } });
    expectError(replay, 400, 'invalid-request');
  });

  it('refuses a credential made for another origin, another RP id or another challenge, and spends the challenge', async () => {
    for (const overrides of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }, { type: 'webauthn.get' }]) {
      const begin = await t.request('POST', '/signup/webauthn', { body: { email: uniqueEmail('wa-bad') } });
      const authenticator = newAuthenticator();
      const bad = await t.request('POST', '/signup/webauthn/verify', { body: { credential: authenticator.create(begin.body, overrides) } });
      expectError(bad, 400, 'invalid-request');
      expectContract('verifySignUpWebauthn', bad);
      // The challenge is spent by the failed attempt: a correct credential for it is refused too.
      const good = await t.request('POST', '/signup/webauthn/verify', { body: { credential: authenticator.create(begin.body) } });
      expectError(good, 400, 'invalid-request');
    }
    const unknown = await t.request('POST', '/signup/webauthn/verify', { body: { credential: newAuthenticator().create({ challenge: 'bm90LWlzc3VlZA', rp: { id: 'localhost' }, user: { id: 'x' } }) } });
    expectError(unknown, 400, 'invalid-request');
  });

  it('refuses an expired challenge (AUTH_WEBAUTHN_ATTESTATION_TIMEOUT)', async () => {
    const begin = await t.request('POST', '/signup/webauthn', { body: { email: uniqueEmail('wa-expired') } });
    t.clock.advance(45_001);
    const res = await t.request('POST', '/signup/webauthn/verify', { body: { credential: newAuthenticator().create(begin.body) } });
    expectError(res, 400, 'invalid-request');
  });

  it('answers email-already-in-use when the address was taken meanwhile', async () => {
    const email = uniqueEmail('wa-taken');
    const first = await t.request('POST', '/signup/webauthn', { body: { email } });
    const second = await t.request('POST', '/signup/webauthn', { body: { email } });
    expect((await t.request('POST', '/signup/webauthn/verify', { body: { credential: newAuthenticator().create(first.body) } })).status).toBe(200);
    const res = await t.request('POST', '/signup/webauthn/verify', { body: { credential: newAuthenticator().create(second.body) } });
    expectError(res, 409, 'email-already-in-use');
  });

  it('checks options before the e-mail access lists', async () => {
    const res = await t.request('POST', '/signup/webauthn', { body: { email: uniqueEmail('wa-role'), options: { allowedRoles: ['admin'] } } });
    expectError(res, 400, 'role-not-allowed');
  });

  it('refuses malformed credentials with 400, never 500', async () => {
    const begin = await t.request('POST', '/signup/webauthn', { body: { email: uniqueEmail('wa-malformed') } });
    const good = newAuthenticator().create(begin.body);
    const cases: unknown[] = [
      {},
      { credential: {} },
      { credential: { ...good, response: { clientDataJSON: good.response.clientDataJSON } } },
      { credential: { ...good, response: { ...good.response, clientDataJSON: '!!!' } } },
      { credential: { ...good, response: { ...good.response, clientDataJSON: Buffer.from('not json').toString('base64url') } } },
      { credential: { ...good, response: { ...good.response, clientDataJSON: Buffer.from('{"challenge":1}').toString('base64url') } } },
      { credential: { ...good, response: { ...good.response, attestationObject: 'AAAA' } } },
      { credential: { ...good, extra: true } },
      { credential: good, nickname: 5 },
    ];
    for (const body of cases) {
      const res = await t.request('POST', '/signup/webauthn/verify', { body });
      expect(res.status, `${JSON.stringify(body).slice(0, 200)} → ${res.text}`).toBe(400);
    }
  });
});

describe('WebAuthn sign-up that needs a verified e-mail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_WEBAUTHN_ENABLED: 'true' } });
  });
  afterAll(() => t?.close());

  it('answers {} and sends the verification e-mail, whose link can finish with a PKCE code', async () => {
    const email = uniqueEmail('wa-verify');
    const { verifier, challenge } = pkcePair();
    const begin = await t.request('POST', '/signup/webauthn', { body: { email } });
    const res = await t.request('POST', '/signup/webauthn/verify', { body: { credential: newAuthenticator().create(begin.body), codeChallenge: challenge } });

    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({});
    const mail = t.mailbox.last(email);
    expect(mail.link).toContain(`codeChallenge=${challenge}`);
    const landing = await followLink(t, mail);
    const code = landing.searchParams.get('code');
    expect(code).toBeTruthy();
    const exchange = await t.request('POST', '/token/exchange', { body: { code, codeVerifier: verifier } });
    expect(exchange.status, exchange.text).toBe(200);
    expect(exchange.body.session.user.id).toBe(begin.body.user.id);
  });
});

describe('WebAuthn sign-up gates', () => {
  it('answers disabled-endpoint while WebAuthn is off, before signup-disabled', async () => {
    const t = await startTestApp({ env: { AUTH_DISABLE_SIGNUP: 'true' } });
    try {
      expectError(await t.request('POST', '/signup/webauthn', { body: { email: uniqueEmail() } }), 409, 'disabled-endpoint');
      expectError(await t.request('POST', '/signup/webauthn/verify', { body: { credential: { id: 'a', rawId: 'a', type: 'public-key', response: { clientDataJSON: 'a', attestationObject: 'a' } } } }), 409, 'disabled-endpoint');
    } finally {
      await t.close();
    }
  });

  it('answers signup-disabled when sign-up is off', async () => {
    const t = await startTestApp({ env: { AUTH_WEBAUTHN_ENABLED: 'true', AUTH_DISABLE_SIGNUP: 'true' } });
    try {
      expectError(await t.request('POST', '/signup/webauthn', { body: { email: uniqueEmail() } }), 403, 'signup-disabled');
    } finally {
      await t.close();
    }
  });
});

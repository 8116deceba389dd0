/**
 * POST /signin/idtoken (API.md §3.3.10, FLOWS.md §16) against a real OpenID provider on 127.0.0.1
 * (test/support/id-token-issuer.ts) standing in for Google and Apple: the app fetches the
 * provider's JWKS over HTTP and checks tokens the provider signed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nonceHashOf } from '../../../src/adapters/oauth/id-token.js';
import { capturingLogger, expectContract, expectError, startTestApp, uniqueEmail, type ApiResponse, type TestApp } from '../../support/app.js';
import { emptyBodies, expectRefused, formMistakes, REQUEST_ERROR } from '../../support/bad-input.js';
import { insertPasswordUser, userRow } from '../../support/email-password.js';
import { AUDIENCES, startIdTokenIssuer, type IdTokenClaims, type IdTokenIssuer } from '../../support/id-token-issuer.js';

let issuer: IdTokenIssuer;
let t: Awaited<ReturnType<typeof startTestApp>>;
let counter = 0;
const subject = () => `idt-${Date.now()}-${(counter += 1)}`;

beforeAll(async () => {
  issuer = await startIdTokenIssuer();
  t = await startTestApp({ env: { ...issuer.env, AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr' } });
});
afterAll(async () => {
  await t?.close();
  await issuer?.close();
});
// The provider stamps tokens with the real time; the app's clock follows it unless a test moves it.
beforeEach(() => t.clock.set(new Date()));

async function signIn(body: Record<string, unknown>, app: TestApp = t): Promise<ApiResponse> {
  app.clock.set(new Date()); // the provider stamps tokens with the real time
  const res = await app.request('POST', '/signin/idtoken', { body });
  expectContract('signInIdToken', res);
  return res;
}

const googleToken = (claims: Partial<IdTokenClaims> = {}) => issuer.idToken({ sub: subject(), email: uniqueEmail('idt'), email_verified: true, ...claims });
const linkOf = async (providerId: string, providerUserId: string) =>
  (await t.db.query<{ user_id: string; access_token: string }>('SELECT user_id, access_token FROM auth.user_providers WHERE provider_id = $1 AND provider_user_id = $2', [providerId, providerUserId])).rows[0];

describe('POST /signin/idtoken: new and returning users', () => {
  it('signs a new Google user up with the profile of the token and links the subject', async () => {
    const sub = subject();
    const email = uniqueEmail('g-new');
    const idToken = await issuer.idToken({ sub, email, email_verified: true, name: 'Grace Hopper', picture: 'https://pictures.example/grace.png' });
    const res = await signIn({ provider: 'google', idToken, options: { locale: 'fr', metadata: { plan: 'pro' } } });
    expect(res.status).toBe(200);
    expect(res.body.session.user).toMatchObject({ email, emailVerified: true, displayName: 'Grace Hopper', avatarUrl: 'https://pictures.example/grace.png', locale: 'fr', metadata: { plan: 'pro' } });
    expect(await linkOf('google', sub)).toEqual({ user_id: res.body.session.user.id, access_token: 'unset' });
    const refreshed = await t.request('POST', '/token', { body: { refreshToken: res.body.session.refreshToken } });
    expect(refreshed.status).toBe(200);
  });

  it('signs a returning user in by the link, without updating the account from the token', async () => {
    const sub = subject();
    const email = uniqueEmail('g-back');
    const first = await signIn({ provider: 'google', idToken: await issuer.idToken({ sub, email, email_verified: true, name: 'First' }) });
    const again = await signIn({ provider: 'google', idToken: await issuer.idToken({ sub, email: uniqueEmail('g-changed'), email_verified: true, name: 'Second' }) });
    expect(again.status).toBe(200);
    expect(again.body.session.user).toMatchObject({ id: first.body.session.user.id, email, displayName: 'First' });
    expect(again.body.session.refreshToken).not.toBe(first.body.session.refreshToken);
  });

  it('answers {} and sends a verification e-mail for a new user whose address the provider did not verify', async () => {
    const email = uniqueEmail('g-unverified');
    const res = await signIn({ provider: 'google', idToken: await googleToken({ email, email_verified: false }) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(await userRow(t.db, { email })).toMatchObject({ email_verified: false, last_seen: null });
    const mail = t.mailbox.last(email);
    expect(mail.ticket).toMatch(/^verifyEmail:/);
  });

  it('takes Apple\'s string "true" as verified and its string "false" as not', async () => {
    const verified = await signIn({ provider: 'apple', idToken: await issuer.idToken({ sub: subject(), email: uniqueEmail('a-yes'), email_verified: 'true' }, AUDIENCES.apple) });
    expect(verified.body.session.user.emailVerified).toBe(true);
    const email = uniqueEmail('a-no');
    const unverified = await signIn({ provider: 'apple', idToken: await issuer.idToken({ sub: subject(), email, email_verified: 'false' }, AUDIENCES.apple) });
    expect(unverified.body).toEqual({});
    expect((await userRow(t.db, { email }))?.email_verified).toBe(false);
  });

  it('keeps Google to booleans: a string "true" leaves a new address unverified', async () => {
    const email = uniqueEmail('g-string');
    const res = await signIn({ provider: 'google', idToken: await googleToken({ email, email_verified: 'true' }) });
    expect(res.body).toEqual({});
    expect((await userRow(t.db, { email }))?.email_verified).toBe(false);
  });

  it('keeps Apple and Google subjects apart', async () => {
    const sub = subject();
    const google = await signIn({ provider: 'google', idToken: await googleToken({ sub }) });
    const apple = await signIn({ provider: 'apple', idToken: await issuer.idToken({ sub, email: uniqueEmail('a-same-sub'), email_verified: true }, AUDIENCES.apple) });
    expect(apple.body.session.user.id).not.toBe(google.body.session.user.id);
  });
});

describe('POST /signin/idtoken: an existing account with the same address (the trust table)', () => {
  const existing = async (emailVerified: boolean) => {
    const email = uniqueEmail('owner');
    return { email, id: await insertPasswordUser(t.db, { email, passwordHash: null, emailVerified }) };
  };

  it('links and signs in when Google asserts the address verified and the account is verified', async () => {
    const owner = await existing(true);
    const sub = subject();
    const res = await signIn({ provider: 'google', idToken: await issuer.idToken({ sub, email: owner.email, email_verified: true }) });
    expect(res.status).toBe(200);
    expect(res.body.session.user.id).toBe(owner.id);
    expect((await linkOf('google', sub))?.user_id).toBe(owner.id);
  });

  for (const [label, claim] of [
    ['unverified', false],
    ['the string "true"', 'true'],
    ['absent', undefined],
  ] as const) {
    it(`refuses to link when Google's email_verified is ${label}`, async () => {
      const owner = await existing(true);
      const sub = subject();
      const res = await signIn({ provider: 'google', idToken: await issuer.idToken({ sub, email: owner.email, ...(claim === undefined ? {} : { email_verified: claim }) }) });
      expectError(res, 409, 'email-already-in-use');
      expect(await linkOf('google', sub)).toBeUndefined();
    });
  }

  it("refuses to link to an account whose own address is not verified, whatever the provider says", async () => {
    const owner = await existing(false);
    const res = await signIn({ provider: 'google', idToken: await googleToken({ email: owner.email, email_verified: true }) });
    expectError(res, 409, 'email-already-in-use');
  });
});

describe('POST /signin/idtoken: the token checks', () => {
  it('accepts a nonce claim equal to the SHA-256 of the raw nonce and refuses any other', async () => {
    const raw = `nonce-${subject()}`;
    const ok = await signIn({ provider: 'google', nonce: raw, idToken: await googleToken({ nonce: nonceHashOf(raw) }) });
    expect(ok.status).toBe(200);
    expectError(await signIn({ provider: 'google', nonce: raw, idToken: await googleToken({ nonce: raw }) }), 400, 'invalid-request');
    expectError(await signIn({ provider: 'google', nonce: 'another', idToken: await googleToken({ nonce: nonceHashOf(raw) }) }), 400, 'invalid-request');
    expectError(await signIn({ provider: 'google', idToken: await googleToken({ nonce: nonceHashOf(raw) }) }), 400, 'invalid-request');
  });

  it("refuses a token for another audience, or Apple's token presented as Google's", async () => {
    expectError(await signIn({ provider: 'google', idToken: await issuer.idToken({ sub: subject(), email: uniqueEmail(), email_verified: true }, AUDIENCES.other) }), 400, 'invalid-request');
    expectError(await signIn({ provider: 'google', idToken: await issuer.idToken({ sub: subject(), email: uniqueEmail(), email_verified: true }, AUDIENCES.apple) }), 400, 'invalid-request');
  });

  it('refuses an expired token', async () => {
    const idToken = await googleToken();
    t.clock.set(new Date(Date.now() + 2 * 60 * 60 * 1000));
    const res = await t.request('POST', '/signin/idtoken', { body: { provider: 'google', idToken } });
    expectError(res, 400, 'invalid-request');
  });

  it('refuses forged tokens: another issuer, another key, HS256, alg none, issued in the future', async () => {
    const claims = { sub: subject(), email: uniqueEmail(), email_verified: true };
    for (const idToken of [
      await issuer.forge({ ...claims, iss: 'https://accounts.google.com.evil.example' }),
      await issuer.forge(claims, 'stranger'),
      await issuer.forge(claims, 'hs256'),
      await issuer.forge(claims, 'none'),
      await issuer.forge({ ...claims, iat: Math.floor(Date.now() / 1000) + 3600 }),
      'not.a.jwt',
    ]) {
      expectError(await signIn({ provider: 'google', idToken }), 400, 'invalid-request');
    }
    expect(await userRow(t.db, { email: claims.email })).toBeUndefined();
  });

  it('refuses a token without a subject or an e-mail address (invalid-request), and an empty subject (oauth-profile-fetch-failed)', async () => {
    expectError(await signIn({ provider: 'google', idToken: await issuer.forge({ email: uniqueEmail(), email_verified: true }) }), 400, 'invalid-request');
    expectError(await signIn({ provider: 'google', idToken: await issuer.forge({ sub: subject(), email_verified: true }) }), 400, 'invalid-request');
    expectError(await signIn({ provider: 'google', idToken: await issuer.forge({ sub: subject(), email: 42 }) }), 400, 'invalid-request');
    expectError(await signIn({ provider: 'google', idToken: await issuer.forge({ sub: '', email: uniqueEmail() }) }), 400, 'oauth-profile-fetch-failed');
  });

  it('checks sign-up options only for a new user', async () => {
    expectError(await signIn({ provider: 'google', idToken: await googleToken(), options: { defaultRole: 'admin' } }), 400, 'default-role-must-be-in-allowed-roles');
    const sub = subject();
    await signIn({ provider: 'google', idToken: await googleToken({ sub }) });
    expect((await signIn({ provider: 'google', idToken: await googleToken({ sub }), options: { defaultRole: 'admin' } })).status).toBe(200);
  });
});

describe('POST /signin/idtoken: malformed requests get 400, never 500', () => {
  const valid = () => ({ provider: 'google', idToken: 'x.y.z' });
  for (const [label, options] of [...formMistakes(valid), ...emptyBodies]) {
    it(`refuses ${label}`, async () => {
      await expectRefused(t, 'POST', '/signin/idtoken', options(), undefined);
    });
  }
  for (const [label, body] of [
    ['an OAuth-only provider', { provider: 'github', idToken: 'x' }],
    ['no provider', { idToken: 'x' }],
    ['no idToken', { provider: 'google' }],
    ['a numeric idToken', { provider: 'google', idToken: 42 }],
    ['a numeric nonce', { provider: 'google', idToken: 'x', nonce: 1 }],
    ['an unknown option', { provider: 'google', idToken: 'x', options: { colour: 'red' } }],
    ['a locale of four letters', { provider: 'google', idToken: 'x', options: { locale: 'engl' } }],
  ] as const) {
    it(`refuses ${label}`, async () => {
      await expectRefused(t, 'POST', '/signin/idtoken', { body }, REQUEST_ERROR);
    });
  }
});

describe('POST /signin/idtoken: gates', () => {
  let gated: TestApp;
  beforeAll(async () => {
    const { AUTH_PROVIDER_APPLE_AUDIENCE: _disabled, ...googleOnly } = issuer.env;
    gated = await startTestApp({ database: t.database, env: { ...googleOnly, AUTH_DISABLE_SIGNUP: 'true', AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'blocked.example' } });
  });
  afterAll(async () => {
    await gated?.close();
  });

  it('answers disabled-endpoint for a provider without an audience', async () => {
    const idToken = await issuer.idToken({ sub: subject(), email: uniqueEmail(), email_verified: true }, AUDIENCES.apple);
    expectError(await signIn({ provider: 'apple', idToken }, gated), 409, 'disabled-endpoint');
  });

  it('answers signup-disabled for a new user when sign-up is disabled', async () => {
    expectError(await signIn({ provider: 'google', idToken: await googleToken() }, gated), 403, 'signup-disabled');
  });

  it("checks the token's address against the block list on every call", async () => {
    const res = await signIn({ provider: 'google', idToken: await googleToken({ email: `x-${subject()}@blocked.example` }) }, gated);
    expectError(res, 401, 'invalid-email-password');
  });
});

describe('POST /signin/idtoken: an unreachable key set', () => {
  let broken: TestApp;
  const logger = capturingLogger('warn');
  beforeAll(async () => {
    // Port 1 on this machine refuses connections: the provider's JWKS cannot be fetched.
    broken = await startTestApp({ database: t.database, log: logger.log, env: { ...issuer.env, AUTH_PROVIDER_GOOGLE_JWKS_URL: 'http://127.0.0.1:1/jwks' } });
  });
  afterAll(async () => {
    await broken?.close();
  });

  it('answers invalid-request, not 500, and logs the failure as ours', async () => {
    expectError(await signIn({ provider: 'google', idToken: await googleToken() }, broken), 400, 'invalid-request');
    expect(logger.lines.some((line) => line.includes('"level":50') && line.includes('id token could not be checked'))).toBe(true);
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, expectError, startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import { startFakeHttp, type FakeHttp } from '../../support/fake-http.js';
import { createSignedInUser } from '../../support/sessions.js';

// Have I Been Pwned (MESSAGES.md §10) against a fake range API on 127.0.0.1.
const PWNED = 'pwned-password-1';
const SAFE = 'never-breached-password-1';

function sha1(password: string): string {
  return createHash('sha1').update(password).digest('hex').toUpperCase();
}

let hibp: FakeHttp;
let t: TestApp;

function listing(): { status: number; body: string; contentType: string } {
  const hash = sha1(PWNED);
  // A real answer, a padding line for our suffix (count 0: not a breach) and the listed one.
  return { status: 200, contentType: 'text/plain', body: `${sha1(SAFE).slice(5)}:0\r\n0018A45C4D1DEF81644B54AB7F969B88D65:2\r\n${hash.slice(5)}:42\r\n` };
}

beforeAll(async () => {
  hibp = await startFakeHttp(listing);
  t = await startTestApp({
    env: {
      AUTH_PASSWORD_HIBP_ENABLED: 'true',
      AUTH_PASSWORD_HIBP_API_URL: `${hibp.origin}/`,
      AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false',
      AUTH_ANONYMOUS_USERS_ENABLED: 'true',
    },
  });
});
afterAll(async () => {
  await t?.close();
  await hibp?.close();
});

describe('Have I Been Pwned check', () => {
  it('refuses a listed password at sign-up, sending only the hash prefix with padding asked for', async () => {
    hibp.requests.length = 0;
    const res = await t.request('POST', '/signup/email-password', { body: { email: uniqueEmail('hibp'), password: PWNED } });
    expectError(res, 400, 'password-in-hibp-database');
    expectContract('signUpEmailPassword', res);
    expect(hibp.requests).toHaveLength(1);
    expect(hibp.requests[0]!.url).toBe(`/range/${sha1(PWNED).slice(0, 5)}`);
    expect(hibp.requests[0]!.headers['add-padding']).toBe('true');
    expect(JSON.stringify(hibp.requests[0])).not.toContain(sha1(PWNED).slice(5));
  });

  it('accepts a password that is absent or only a padding line, and never checks at sign-in', async () => {
    const user = await createSignedInUser(t, { password: SAFE });
    hibp.requests.length = 0;
    expect((await t.request('POST', '/signin/email-password', { body: { email: user.email, password: SAFE } })).status).toBe(200);
    expect(hibp.requests).toHaveLength(0);
  });

  it('refuses a listed password on password change and on de-anonymisation', async () => {
    const user = await createSignedInUser(t, { password: SAFE });
    const change = await t.request('POST', '/user/password', { token: user.session.accessToken, body: { newPassword: PWNED } });
    expectError(change, 400, 'password-in-hibp-database');
    const anonymous = await t.request('POST', '/signin/anonymous', { body: {} });
    expect(anonymous.status).toBe(200);
    const deanonymize = await t.request('POST', '/user/deanonymize', {
      token: anonymous.body.session.accessToken,
      body: { signInMethod: 'email-password', email: uniqueEmail('hibp'), password: PWNED },
    });
    expectError(deanonymize, 400, 'password-in-hibp-database');
  });

  it('fails closed with 500 internal-server-error when the range API is down, as the reference does', async () => {
    hibp.answer = () => ({ status: 503, body: 'maintenance', contentType: 'text/plain' });
    try {
      const res = await t.request('POST', '/signup/email-password', { body: { email: uniqueEmail('hibp'), password: SAFE } });
      expectError(res, 500, 'internal-server-error');
    } finally {
      hibp.answer = listing;
    }
  });
});

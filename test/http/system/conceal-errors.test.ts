import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContract, startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import { expectSecurityFailure, rowCounts, signUpWithSession, STRONG_PASSWORD } from '../../support/system.js';

const CONCEALED = { status: 400, message: 'The request payload is incorrect', error: 'invalid-request' };

describe('AUTH_CONCEAL_ERRORS=true', () => {
  let t: TestApp;
  let email: string;
  beforeAll(async () => {
    t = await startTestApp({
      env: { AUTH_CONCEAL_ERRORS: 'true', AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: 'false', AUTH_PASSWORD_MIN_LENGTH: '10' },
    });
    ({ email } = await signUpWithSession(t));
  });
  afterAll(() => t.close());

  it('replaces a wrong password’s invalid-email-password/401 with invalid-request/400', async () => {
    const res = await t.request('POST', '/signin/email-password', { body: { email, password: 'not-the-password' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(CONCEALED);
    expectContract('signInEmailPassword', res);
  });

  it('answers an unknown e-mail exactly like a wrong password', async () => {
    const wrong = await t.request('POST', '/signin/email-password', { body: { email, password: 'not-the-password' } });
    const unknown = await t.request('POST', '/signin/email-password', { body: { email: uniqueEmail('nobody'), password: 'not-the-password' } });
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: wrong.status, body: wrong.body });
  });

  it('conceals other sensitive codes too (email-already-in-use, invalid-refresh-token)', async () => {
    const before = await rowCounts(t.db);
    const taken = await t.request('POST', '/signup/email-password', { body: { email, password: STRONG_PASSWORD } });
    expect(taken.status).toBe(400);
    expect(taken.body).toEqual(CONCEALED);
    expectContract('signUpEmailPassword', taken);
    expect(await rowCounts(t.db)).toEqual(before);

    const refresh = await t.request('POST', '/token', { body: { refreshToken: '2c35b6f3-c4b9-48e3-978a-d4d0f1d42e24' } });
    expect(refresh.body).toEqual(CONCEALED);
    expectContract('refreshToken', refresh);
  });

  it('leaves a non-sensitive error unchanged (password-too-short)', async () => {
    const res = await t.request('POST', '/signup/email-password', { body: { email: uniqueEmail('short'), password: 'short-pw' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ status: 400, message: 'Password is too short', error: 'password-too-short' });
    expectContract('signUpEmailPassword', res);
  });

  it('leaves validation failures and successes unchanged', async () => {
    expectSecurityFailure(await t.request('GET', '/user'), 'invalid authorization header');
    const res = await t.request('POST', '/signin/email-password', { body: { email, password: STRONG_PASSWORD } });
    expect(res.status).toBe(200);
    expectContract('signInEmailPassword', res);
  });
});

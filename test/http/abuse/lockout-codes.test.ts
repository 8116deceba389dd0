import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApp, uniqueEmail, type TestApp } from '../../support/app.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-sms.js';
import { createSignedInUser, TEST_PASSWORD } from '../../support/sessions.js';
import { expectSmsRequestOk, expectSmsSession, expectSmsVerifyError, requestSms, uniquePhoneNumber, verifySms, wrongCode } from '../../support/sms-users.js';
import { enrolTotp, mfaTicket, totpCode, wrongTotpCode } from '../../support/totp.js';

// The account lockout (AUTH_LOCKOUT_*, docs/compat.md) also guards TOTP codes at sign-in and SMS
// codes, beyond each code's own attempt limit: a guesser who asks for fresh tickets or codes still
// runs into it, and a locked account answers exactly as a wrong code does.

const MINUTE_MS = 60_000;
let totpApp: TestApp;
let smsApp: TestApp;
let twilio: FakeTwilio;

beforeAll(async () => {
  totpApp = await startTestApp({ env: { AUTH_MFA_ENABLED: 'true', AUTH_LOCKOUT_MAX_FAILURES: '3', AUTH_OTP_MAX_ATTEMPTS: '100' } });
  twilio = await startFakeTwilio();
  smsApp = await startTestApp({ env: { ...twilio.messagingEnv(), AUTH_LOCKOUT_MAX_FAILURES: '3', AUTH_OTP_MAX_ATTEMPTS: '100' } });
});
afterAll(async () => {
  await totpApp?.close();
  await smsApp?.close();
  await twilio?.close();
});

describe('lockout on TOTP codes at POST /user/mfa', () => {
  it('stops a holder of an access token from guessing the code that turns TOTP off', async () => {
    const t = totpApp;
    const user = await createSignedInUser(t, { email: uniqueEmail('lock-mfa-off') });
    const secret = await enrolTotp(t, user.session.accessToken);
    const turnOff = (code: string) => t.request('POST', '/user/mfa', { token: user.session.accessToken, body: { code, activeMfaType: '' } });
    for (let i = 0; i < 3; i++) expectError(await turnOff(wrongTotpCode(secret, t.clock.now())), 401, 'invalid-totp');
    expectError(await turnOff(totpCode(secret, t.clock.now())), 401, 'invalid-totp');
    const { rows } = await t.db.query<{ active_mfa_type: string | null }>('SELECT active_mfa_type FROM auth.users WHERE id = $1', [user.id]);
    expect(rows[0]?.active_mfa_type).toBe('totp');

    t.clock.advance(2 * MINUTE_MS);
    expect((await turnOff(totpCode(secret, t.clock.now()))).status).toBe(200);
  });
});

describe('lockout on TOTP codes at sign-in', () => {
  it('refuses even the right code after the failures, across fresh tickets, until the delay has passed', async () => {
    const t = totpApp;
    const user = await createSignedInUser(t, { email: uniqueEmail('lock-totp') });
    const secret = await enrolTotp(t, user.session.accessToken);
    for (let i = 0; i < 3; i++) {
      const ticket = await mfaTicket(t, user.email, TEST_PASSWORD);
      expectError(await t.request('POST', '/signin/mfa/totp', { body: { ticket, otp: wrongTotpCode(secret, t.clock.now()) } }), 401, 'invalid-totp');
    }
    const locked = await t.request('POST', '/signin/mfa/totp', { body: { ticket: await mfaTicket(t, user.email, TEST_PASSWORD), otp: totpCode(secret, t.clock.now()) } });
    expectError(locked, 401, 'invalid-totp');

    t.clock.advance(2 * MINUTE_MS);
    const ticket = await mfaTicket(t, user.email, TEST_PASSWORD);
    const res = await t.request('POST', '/signin/mfa/totp', { body: { ticket, otp: totpCode(secret, t.clock.now()) } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.session.user.id).toBe(user.id);
  });
});

describe('lockout on SMS codes', () => {
  it('refuses even the right code of a fresh SMS after the failures, until the delay has passed', async () => {
    const t = smsApp;
    const phoneNumber = uniquePhoneNumber();
    expectSmsRequestOk(await requestSms(t, { phoneNumber }));
    let code = twilio.lastCode(phoneNumber);
    for (let i = 0; i < 3; i++) expectSmsVerifyError(await verifySms(t, phoneNumber, wrongCode(code, i + 1)), 400, 'invalid-request');

    expectSmsRequestOk(await requestSms(t, { phoneNumber }));
    code = twilio.lastCode(phoneNumber);
    expectSmsVerifyError(await verifySms(t, phoneNumber, code), 400, 'invalid-request');

    t.clock.advance(2 * MINUTE_MS);
    expectSmsRequestOk(await requestSms(t, { phoneNumber }));
    await expectSmsSession(t, phoneNumber, twilio.lastCode(phoneNumber));
  });
});

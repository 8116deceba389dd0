import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../support/app.js';
import { startAppGroup, type AppGroup } from '../../support/email-password.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-sms.js';
import {
  countUsersWithPhone,
  expectSmsRequestError,
  expectSmsRequestOk,
  expectSmsSession,
  expectSmsVerifyError,
  requestSms,
  smsUserRow,
  uniquePhoneNumber,
  verifySms,
  wrongCode,
} from '../../support/sms-users.js';

// SMS sign-in through Twilio Verify (MESSAGES.md §7.4): Twilio makes, texts and checks the code.
// Deliberate difference from the reference: Verify is chosen by a Verify service SID (`VA…`) in
// AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID, not by the account SID (which starts with `AC` and never
// selected it). Twilio is asked only while our record of the code is live, so the attempt limit
// and the expiry apply here too, and the number is marked verified on success.

const MINUTE_MS = 60 * 1000;

let twilio: FakeTwilio;
let g: AppGroup<'verify'>;
let verify: TestApp;

beforeAll(async () => {
  twilio = await startFakeTwilio();
  g = await startAppGroup({ verify: { ...twilio.verifyEnv(), AUTH_OTP_MAX_ATTEMPTS: '3', AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr' } });
  ({ verify } = g.apps);
});
afterAll(async () => {
  await g?.close();
  await twilio?.close();
});

async function startVerification(phoneNumber: string, options?: Record<string, unknown>): Promise<string> {
  expectSmsRequestOk(await requestSms(verify, { phoneNumber, ...(options ? { options } : {}) }));
  return twilio.lastCode(phoneNumber);
}

function checkCalls(): number {
  return twilio.requests.filter((r) => r.path.endsWith('/VerificationCheck')).length;
}

describe('SMS sign-in with Twilio Verify', () => {
  it('starts a verification at Twilio instead of texting a code of ours', async () => {
    const phoneNumber = uniquePhoneNumber();
    const messagesBefore = twilio.messages.length;
    await startVerification(phoneNumber, { locale: 'fr' });
    expect(twilio.rejected).toEqual([]);
    expect(twilio.messages.length).toBe(messagesBefore);
    expect(twilio.verifications.at(-1)).toMatchObject({ to: phoneNumber, channel: 'sms', locale: 'fr' });
    const request = twilio.requests.at(-1)!;
    expect(request.path).toBe(`/v2/Services/${twilio.verifyServiceSid}/Verifications`);
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({ To: phoneNumber, Channel: 'sms', Locale: 'fr' });

    const row = await smsUserRow(g.db, phoneNumber);
    expect(row).toMatchObject({ email: null, otp_method_last_used: 'sms', otp_attempts: 0, locale: 'fr' });
    expect(row!.otp_hash).not.toBeNull();
    expect(row!.otp_hash_expires_at.getTime()).toBe(g.clock.now().getTime() + 10 * MINUTE_MS);
  });

  it('signs in with the code Twilio approves, once', async () => {
    const phoneNumber = uniquePhoneNumber();
    const code = await startVerification(phoneNumber);
    const session = await expectSmsSession(verify, phoneNumber, code);
    expect(session.user).toMatchObject({ phoneNumber, phoneNumberVerified: true });
    const check = twilio.requests.at(-1)!;
    expect(check.path).toBe(`/v2/Services/${twilio.verifyServiceSid}/VerificationCheck`);
    expect(Object.fromEntries(new URLSearchParams(check.body))).toEqual({ To: phoneNumber, Code: code });
    expect(twilio.rejected).toEqual([]);
    // Spent: Twilio is not even asked again.
    const calls = checkCalls();
    expectSmsVerifyError(await verifySms(verify, phoneNumber, code), 400, 'invalid-request');
    expect(checkCalls()).toBe(calls);
  });

  it('counts codes Twilio refuses and stops asking once the code is burned', async () => {
    const phoneNumber = uniquePhoneNumber();
    const code = await startVerification(phoneNumber);
    for (const offset of [1, 2, 3]) expectSmsVerifyError(await verifySms(verify, phoneNumber, wrongCode(code, offset)), 400, 'invalid-request');
    expect(await smsUserRow(g.db, phoneNumber)).toMatchObject({ otp_hash: null, otp_attempts: 3 });
    const calls = checkCalls();
    expectSmsVerifyError(await verifySms(verify, phoneNumber, code), 400, 'invalid-request');
    expect(checkCalls()).toBe(calls);
  });

  it('does not ask Twilio about unknown numbers, expired verifications or codes of the wrong shape', async () => {
    const calls = checkCalls();
    expectSmsVerifyError(await verifySms(verify, uniquePhoneNumber(), '123456'), 400, 'invalid-request');
    const phoneNumber = uniquePhoneNumber();
    const code = await startVerification(phoneNumber);
    expectSmsVerifyError(await verifySms(verify, phoneNumber, ''), 400, 'invalid-request');
    expectSmsVerifyError(await verifySms(verify, phoneNumber, 'abcdef'), 400, 'invalid-request');
    g.clock.advance(10 * MINUTE_MS);
    expectSmsVerifyError(await verifySms(verify, phoneNumber, code), 400, 'invalid-request');
    expect(checkCalls()).toBe(calls);
  });

  it('answers cannot-send-sms when Twilio fails to start a verification, storing nothing', async () => {
    const phoneNumber = uniquePhoneNumber();
    twilio.failWith(500);
    try {
      expectSmsRequestError(await requestSms(verify, { phoneNumber }), 400, 'cannot-send-sms');
    } finally {
      twilio.failWith(null);
    }
    expect(await countUsersWithPhone(g.db, phoneNumber)).toBe(0);
  });

  it('answers invalid-request without spending an attempt while Twilio cannot check', async () => {
    const phoneNumber = uniquePhoneNumber();
    const code = await startVerification(phoneNumber);
    twilio.failWith(503);
    try {
      expectSmsVerifyError(await verifySms(verify, phoneNumber, code), 400, 'invalid-request');
    } finally {
      twilio.failWith(null);
    }
    expect(await smsUserRow(g.db, phoneNumber)).toMatchObject({ otp_attempts: 0 });
    await expectSmsSession(verify, phoneNumber, code);
  });
});

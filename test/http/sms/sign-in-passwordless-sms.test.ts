import net from 'node:net';
import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, type TestApp } from '../../support/app.js';
import { rolesOf, startAppGroup, type AppGroup } from '../../support/email-password.js';
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

// SMS sign-in through Twilio's Messages API (API.md §3.3.7–3.3.8, FLOWS.md §10, MESSAGES.md §7.3),
// against a loopback Twilio that checks the requests the real API expects. Deliberate differences
// from the reference, tested here: AUTH_DISABLE_SIGNUP is checked before any SMS is sent, wrong
// codes burn the code after AUTH_OTP_MAX_ATTEMPTS, and a refused SMS stores nothing.

const MINUTE_MS = 60 * 1000;
const GRAVATAR_OF_EMPTY = 'https://www.gravatar.com/avatar/d41d8cd98f00b204e9800998ecf8427e?d=blank&r=g';

type Apps = 'sms' | 'off' | 'closed' | 'newUsersDisabled' | 'unreachable' | 'testNumbers';

let twilio: FakeTwilio;
let g: AppGroup<Apps>;
let sms: TestApp;

/** A port nothing listens on: the provider is down. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  twilio = await startFakeTwilio();
  const env = twilio.messagingEnv();
  g = await startAppGroup<Apps>({
    sms: { ...env, AUTH_OTP_MAX_ATTEMPTS: '3', AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr', AUTH_USER_DEFAULT_ALLOWED_ROLES: 'me,editor' },
    off: {},
    closed: { ...env, AUTH_DISABLE_SIGNUP: 'true' },
    newUsersDisabled: { ...env, AUTH_DISABLE_NEW_USERS: 'true' },
    unreachable: { ...env, AUTH_SMS_TWILIO_API_URL: `http://127.0.0.1:${await closedPort()}` },
    // Ignored, as by the target (CONFIG.md §20): these numbers get a real SMS too.
    testNumbers: { ...env, AUTH_SMS_TEST_PHONE_NUMBERS: '+14155550100' },
  });
  ({ sms } = g.apps);
});
afterAll(async () => {
  await g?.close();
  await twilio?.close();
});

/** Asks for a code and returns it as the SMS carries it. */
async function sendCode(t: TestApp, phoneNumber: string, options?: Record<string, unknown>): Promise<string> {
  expectSmsRequestOk(await requestSms(t, { phoneNumber, ...(options ? { options } : {}) }));
  return twilio.lastCode(phoneNumber);
}

describe('POST /signin/passwordless/sms with Twilio Messages', () => {
  it('texts a code to a new number and creates a user without e-mail or password', async () => {
    const phoneNumber = uniquePhoneNumber();
    const before = twilio.messages.length;
    const code = await sendCode(sms, phoneNumber, { locale: 'fr', displayName: 'Zoé', allowedRoles: ['me'], defaultRole: 'me', metadata: { plan: 'free' } });

    expect(twilio.rejected).toEqual([]);
    expect(twilio.messages.slice(before)).toEqual([
      { to: phoneNumber, from: twilio.messagingEnv()['AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID'], body: `Votre code de connexion est ${code}. Il est valable 5 minutes.` },
    ]);
    const request = twilio.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`);
    // As in the reference, the messaging service id travels in From.
    expect([...new URLSearchParams(request.body).keys()].sort()).toEqual(['Body', 'From', 'To']);

    const row = await smsUserRow(g.db, phoneNumber);
    expect(row).toMatchObject({
      email: null,
      password_hash: null,
      phone_number_verified: false,
      display_name: 'Zoé',
      locale: 'fr',
      default_role: 'me',
      avatar_url: GRAVATAR_OF_EMPTY,
      disabled: false,
      otp_method_last_used: 'sms',
      otp_attempts: 0,
    });
    expect(row!.otp_hash).toMatch(/^\$2[ab]\$/);
    expect(await bcrypt.compare(code, row!.otp_hash!)).toBe(true);
    expect(row!.otp_hash_expires_at.getTime()).toBe(g.clock.now().getTime() + 5 * MINUTE_MS);
    expect(await rolesOf(g.db, row!.id)).toEqual(['me']);
  });

  it('signs the new user in with the code, marks the number verified and spends the code', async () => {
    const phoneNumber = uniquePhoneNumber();
    const code = await sendCode(sms, phoneNumber);
    const session = await expectSmsSession(sms, phoneNumber, code);
    expect(session.user).toMatchObject({ phoneNumber, phoneNumberVerified: true, displayName: phoneNumber, locale: 'en', emailVerified: false });
    expect(session.user.email).toBeUndefined();
    expect(decodeJwt(session.accessToken).sub).toBe(session.user.id);

    const row = await smsUserRow(g.db, phoneNumber);
    expect(row).toMatchObject({ phone_number_verified: true, otp_hash: null, otp_attempts: 0 });
    // Single use.
    expectSmsVerifyError(await verifySms(sms, phoneNumber, code), 400, 'invalid-request');
    // The SMS-only user can use authenticated endpoints (no e-mail is no obstacle).
    const me = await sms.request('GET', '/user', { token: session.accessToken });
    expect(me.status, me.text).toBe(200);
    expect(me.body).toMatchObject({ id: session.user.id, phoneNumber, phoneNumberVerified: true });
  });

  it('texts a returning user a new code in the stored locale, replacing the previous one', async () => {
    const phoneNumber = uniquePhoneNumber();
    const first = await sendCode(sms, phoneNumber, { locale: 'fr' });
    const id = (await smsUserRow(g.db, phoneNumber))!.id;
    // The options of a later request change nothing for an existing user.
    const second = await sendCode(sms, phoneNumber, { locale: 'en', displayName: 'Someone else' });
    expect(twilio.messages.at(-1)!.body).toMatch(/^Votre code/);
    expect(await countUsersWithPhone(g.db, phoneNumber)).toBe(1);
    expect(await smsUserRow(g.db, phoneNumber)).toMatchObject({ id, display_name: phoneNumber, locale: 'fr' });

    if (first !== second) expectSmsVerifyError(await verifySms(sms, phoneNumber, first), 400, 'invalid-request');
    const session = await expectSmsSession(sms, phoneNumber, second);
    expect(session.user.id).toBe(id);
  });

  it('answers a wrong code with invalid-request and burns the code at the attempt limit', async () => {
    const phoneNumber = uniquePhoneNumber();
    let code = await sendCode(sms, phoneNumber);
    // Two wrong codes (limit 3), then the right one still works.
    for (const offset of [1, 2]) expectSmsVerifyError(await verifySms(sms, phoneNumber, wrongCode(code, offset)), 400, 'invalid-request');
    expect(await smsUserRow(g.db, phoneNumber)).toMatchObject({ otp_attempts: 2 });
    await expectSmsSession(sms, phoneNumber, code);
    expect(await smsUserRow(g.db, phoneNumber)).toMatchObject({ otp_attempts: 0 });

    // Three wrong codes burn it: the right code no longer works, and it stays burned.
    code = await sendCode(sms, phoneNumber);
    for (const offset of [1, 2, 3]) expectSmsVerifyError(await verifySms(sms, phoneNumber, wrongCode(code, offset)), 400, 'invalid-request');
    expect(await smsUserRow(g.db, phoneNumber)).toMatchObject({ otp_hash: null, otp_attempts: 3 });
    expectSmsVerifyError(await verifySms(sms, phoneNumber, code), 400, 'invalid-request');
    expectSmsVerifyError(await verifySms(sms, phoneNumber, code), 400, 'invalid-request');

    // A new code starts afresh.
    code = await sendCode(sms, phoneNumber);
    expect(await smsUserRow(g.db, phoneNumber)).toMatchObject({ otp_attempts: 0 });
    await expectSmsSession(sms, phoneNumber, code);
  });

  it('spends the code once when it is used concurrently', async () => {
    const phoneNumber = uniquePhoneNumber();
    const code = await sendCode(sms, phoneNumber);
    const results = await Promise.all([1, 2, 3].map(() => verifySms(sms, phoneNumber, code)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
    for (const res of results.filter((r) => r.status !== 200)) expectSmsVerifyError(res, 400, 'invalid-request');
  });

  it('creates one user when a new number asks twice at once', async () => {
    const phoneNumber = uniquePhoneNumber();
    const results = await Promise.all([1, 2].map(() => requestSms(sms, { phoneNumber })));
    for (const res of results) expectSmsRequestOk(res);
    expect(await countUsersWithPhone(g.db, phoneNumber)).toBe(1);
    await expectSmsSession(sms, phoneNumber, twilio.lastCode(phoneNumber));
  });

  it('refuses a code after five minutes', async () => {
    const phoneNumber = uniquePhoneNumber();
    const code = await sendCode(sms, phoneNumber);
    g.clock.advance(5 * MINUTE_MS);
    expectSmsVerifyError(await verifySms(sms, phoneNumber, code), 400, 'invalid-request');
    const fresh = await sendCode(sms, phoneNumber);
    g.clock.advance(5 * MINUTE_MS - 1000);
    await expectSmsSession(sms, phoneNumber, fresh);
  });

  it('refuses codes for unknown numbers, codes of another number and codes of another kind', async () => {
    const phoneNumber = uniquePhoneNumber();
    const code = await sendCode(sms, phoneNumber);
    expectSmsVerifyError(await verifySms(sms, uniquePhoneNumber(), code), 400, 'invalid-request');
    // The code was texted to +1415…, not to the same digits written another way.
    expectSmsVerifyError(await verifySms(sms, phoneNumber.slice(1), code), 400, 'invalid-request');
    // A pending e-mail code in the same column does not count.
    await g.db.query(`UPDATE auth.users SET otp_method_last_used = 'email' WHERE phone_number = $1`, [phoneNumber]);
    expectSmsVerifyError(await verifySms(sms, phoneNumber, code), 400, 'invalid-request');
  });

  it('answers cannot-send-sms when Twilio refuses or fails, storing nothing and keeping the previous code', async () => {
    // A new number: no user is left behind.
    const phoneNumber = uniquePhoneNumber();
    twilio.failWith(500);
    try {
      expectSmsRequestError(await requestSms(sms, { phoneNumber }), 400, 'cannot-send-sms');
    } finally {
      twilio.failWith(null);
    }
    expect(await countUsersWithPhone(g.db, phoneNumber)).toBe(0);

    // An existing user: the code already texted stays valid.
    const code = await sendCode(sms, phoneNumber);
    const before = await smsUserRow(g.db, phoneNumber);
    twilio.failWith(503);
    try {
      expectSmsRequestError(await requestSms(sms, { phoneNumber }), 400, 'cannot-send-sms');
    } finally {
      twilio.failWith(null);
    }
    expect(await smsUserRow(g.db, phoneNumber)).toEqual(before);
    await expectSmsSession(sms, phoneNumber, code);

    // A number Twilio refuses (400 Invalid 'To' Phone Number).
    const bad = '+0000';
    expectSmsRequestError(await requestSms(sms, { phoneNumber: bad }), 400, 'cannot-send-sms');
    expect(twilio.rejected.at(-1)?.reason).toMatch(/invalid To/);
    twilio.rejected.length = 0;
    expect(await countUsersWithPhone(g.db, bad)).toBe(0);
  });

  it('answers cannot-send-sms when Twilio cannot be reached', async () => {
    const phoneNumber = uniquePhoneNumber();
    expectSmsRequestError(await requestSms(g.apps.unreachable, { phoneNumber }), 400, 'cannot-send-sms');
    expect(await countUsersWithPhone(g.db, phoneNumber)).toBe(0);
  });

  it('sends no SMS to an unknown number when sign-up is disabled, and still serves existing users', async () => {
    const phoneNumber = uniquePhoneNumber();
    const before = twilio.requests.length;
    expectSmsRequestError(await requestSms(g.apps.closed, { phoneNumber }), 403, 'signup-disabled');
    expect(twilio.requests.length).toBe(before);
    expect(await countUsersWithPhone(g.db, phoneNumber)).toBe(0);

    await sendCode(sms, phoneNumber);
    const code = await sendCode(g.apps.closed, phoneNumber);
    await expectSmsSession(g.apps.closed, phoneNumber, code);
  });

  it('creates new users disabled, without an SMS, when AUTH_DISABLE_NEW_USERS is on', async () => {
    const phoneNumber = uniquePhoneNumber();
    const before = twilio.requests.length;
    expectSmsRequestError(await requestSms(g.apps.newUsersDisabled, { phoneNumber }), 401, 'disabled-user');
    expect(twilio.requests.length).toBe(before);
    expect(await smsUserRow(g.db, phoneNumber)).toMatchObject({ disabled: true, otp_method_last_used: 'sms' });
    // And the disabled user gets no code later either.
    expectSmsRequestError(await requestSms(sms, { phoneNumber }), 401, 'disabled-user');
    expect(twilio.requests.length).toBe(before);
  });

  it('refuses disabled and anonymous users by number', async () => {
    const anonymous = uniquePhoneNumber();
    await g.db.query(`INSERT INTO auth.users (phone_number, is_anonymous, locale, display_name) VALUES ($1, true, 'en', 'anon')`, [anonymous]);
    const disabled = uniquePhoneNumber();
    await g.db.query(`INSERT INTO auth.users (phone_number, disabled, locale, display_name) VALUES ($1, true, 'en', 'off')`, [disabled]);
    const before = twilio.requests.length;
    expectSmsRequestError(await requestSms(sms, { phoneNumber: anonymous }), 403, 'forbidden-anonymous');
    expectSmsRequestError(await requestSms(sms, { phoneNumber: disabled }), 401, 'disabled-user');
    expect(twilio.requests.length).toBe(before);
  });

  it('answers disabled-user (the reference: 500) for a right code of a user disabled since', async () => {
    const phoneNumber = uniquePhoneNumber();
    const code = await sendCode(sms, phoneNumber);
    await g.db.query('UPDATE auth.users SET disabled = true WHERE phone_number = $1', [phoneNumber]);
    expectSmsVerifyError(await verifySms(sms, phoneNumber, code), 401, 'disabled-user');
  });

  it('applies the sign-up options checks to the request', async () => {
    const phoneNumber = uniquePhoneNumber();
    expectSmsRequestError(await requestSms(sms, { phoneNumber, options: { redirectTo: 'https://evil.example.net/' } }), 400, 'redirectTo-not-allowed');
    expectSmsRequestError(await requestSms(sms, { phoneNumber, options: { allowedRoles: ['admin'] } }), 400, 'role-not-allowed');
    expect(await countUsersWithPhone(g.db, phoneNumber)).toBe(0);
  });

  it('answers disabled-endpoint on both operations while AUTH_SMS_PASSWORDLESS_ENABLED is off', async () => {
    const phoneNumber = uniquePhoneNumber();
    const code = await sendCode(sms, phoneNumber);
    expectSmsRequestError(await requestSms(g.apps.off, { phoneNumber }), 409, 'disabled-endpoint');
    expectSmsVerifyError(await verifySms(g.apps.off, phoneNumber, code), 409, 'disabled-endpoint');
    await expectSmsSession(sms, phoneNumber, code);
  });

  it('ignores AUTH_SMS_TEST_PHONE_NUMBERS, as the target does', async () => {
    const before = twilio.messages.length;
    const code = await sendCode(g.apps.testNumbers, '+14155550100');
    expect(twilio.messages.length).toBe(before + 1);
    await expectSmsSession(g.apps.testNumbers, '+14155550100', code);
  });
});

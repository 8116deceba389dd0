import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../support/app.js';
import { emptyBodies, expectRefused, formMistakes, json } from '../../support/bad-input.js';
import { startAppGroup, type AppGroup } from '../../support/email-password.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-sms.js';
import { expectSmsRequestError, expectSmsVerifyError, requestSms, uniquePhoneNumber, verifySms } from '../../support/sms-users.js';
import { rowCounts } from '../../support/system.js';

// Malformed requests to the SMS operations answer 400, never 500, and send and store nothing.
// The reference puts no constraint on the number (the provider judges it); numbers no provider
// could take (blank, control characters, NUL, absurd lengths) answer `cannot-send-sms` without a
// provider call, as the provider's refusal would have.

let twilio: FakeTwilio;
let g: AppGroup<'sms'>;
let t: TestApp;

beforeAll(async () => {
  twilio = await startFakeTwilio();
  g = await startAppGroup({ sms: twilio.messagingEnv() });
  t = g.apps.sms;
});
afterAll(async () => {
  await g?.close();
  await twilio?.close();
});

describe('POST /signin/passwordless/sms', () => {
  const valid = () => ({ phoneNumber: uniquePhoneNumber() });
  it.each([
    ...formMistakes(valid),
    ...emptyBodies,
    ['an empty object', () => json({})],
    ['a numeric phoneNumber', () => json({ phoneNumber: 14155550123 })],
    ['a null phoneNumber', () => json({ phoneNumber: null })],
    ['an array phoneNumber', () => json({ phoneNumber: ['+14155550123'] })],
    ['options that are a string', () => json({ ...valid(), options: 'x' })],
    ['an unknown property in options', () => json({ ...valid(), options: { color: 'blue' } })],
  ])('refuses %s with 400 and sends nothing', async (_name, options) => {
    const before = twilio.requests.length;
    await expectRefused(t, 'POST', '/signin/passwordless/sms', options(), undefined);
    expect(twilio.requests.length).toBe(before);
  });

  it.each([
    ['an empty number', ''],
    ['a blank number', '   '],
    ['a NUL byte', '+1415555\u00000123'],
    ['a line feed', '+1415555\n0123'],
    ['a lone surrogate', '+1415555\ud8000123'],
    ['65 characters', `+1${'5'.repeat(63)}`],
  ])('answers cannot-send-sms for %s without calling the provider', async (_name, phoneNumber) => {
    const before = { calls: twilio.requests.length, rows: await rowCounts(t.db) };
    expectSmsRequestError(await requestSms(t, { phoneNumber }), 400, 'cannot-send-sms');
    expect({ calls: twilio.requests.length, rows: await rowCounts(t.db) }).toEqual(before);
  });
});

describe('POST /signin/passwordless/sms/otp', () => {
  const valid = () => ({ phoneNumber: uniquePhoneNumber(), otp: '123456' });
  it.each([
    ...formMistakes(valid),
    ...emptyBodies,
    ['an empty object', () => json({})],
    ['a missing otp', () => json({ phoneNumber: uniquePhoneNumber() })],
    ['a missing phoneNumber', () => json({ otp: '123456' })],
    ['a numeric otp', () => json({ phoneNumber: uniquePhoneNumber(), otp: 123456 })],
    ['a null phoneNumber', () => json({ phoneNumber: null, otp: '123456' })],
  ])('refuses %s with 400', async (_name, options) => {
    await expectRefused(t, 'POST', '/signin/passwordless/sms/otp', options(), undefined);
  });

  it.each([
    ['an empty number and code', '', ''],
    ['a NUL in the number', '+1415\u00005550123', '123456'],
    ['a NUL in the code', uniquePhoneNumber(), '12\u00003456'],
    ['an over-long code', uniquePhoneNumber(), '1'.repeat(10_000)],
    ['a lone surrogate in the code', uniquePhoneNumber(), '12\ud80034'],
  ])('answers invalid-request for %s', async (_name, phoneNumber, otp) => {
    expectSmsVerifyError(await verifySms(t, phoneNumber, otp), 400, 'invalid-request');
  });
});

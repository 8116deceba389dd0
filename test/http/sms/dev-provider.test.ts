import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, startTestApp, type TestApp } from '../../support/app.js';
import { startFakeTwilio, type FakeTwilio } from '../../support/fake-sms.js';
import { expectSmsRequestError, expectSmsRequestOk, expectSmsSession, requestSms, uniquePhoneNumber } from '../../support/sms-users.js';

// AUTH_SMS_PROVIDER=dev (MESSAGES.md §7.6): nothing is sent; each SMS is logged at info level as
// `Dev SMS sent` with `to` and `body`, as the reference does, so a developer can read the code. We
// add a start-up warning that codes reach the log. And what the log never holds with a real
// provider: the provider's credentials or the code.

let dev: TestApp;
let devLog: ReturnType<typeof capturingLogger>;
let twilio: FakeTwilio;
let real: TestApp;
let realLog: ReturnType<typeof capturingLogger>;

beforeAll(async () => {
  devLog = capturingLogger('info');
  dev = await startTestApp({ env: { AUTH_SMS_PASSWORDLESS_ENABLED: 'true', AUTH_SMS_PROVIDER: 'DEV' }, log: devLog.log });
  twilio = await startFakeTwilio();
  realLog = capturingLogger('debug');
  real = await startTestApp({ env: twilio.messagingEnv(), log: realLog.log });
});
afterAll(async () => {
  await dev?.close();
  await real?.close();
  await twilio?.close();
});

const records = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the dev SMS provider', () => {
  it('warns at start-up that codes go to the log', () => {
    expect(records(devLog.lines).some((r) => r['level'] === 40 && String(r['msg']).includes('AUTH_SMS_PROVIDER=dev'))).toBe(true);
  });

  it('logs the SMS instead of sending it, and the logged code signs in', async () => {
    const phoneNumber = uniquePhoneNumber();
    expectSmsRequestOk(await requestSms(dev, { phoneNumber }));
    const logged = records(devLog.lines).filter((r) => r['msg'] === 'Dev SMS sent');
    expect(logged.at(-1)).toMatchObject({ level: 30, to: phoneNumber });
    const code = /(\d{6})/.exec(String(logged.at(-1)!['body']))![1]!;
    expect(logged.at(-1)!['body']).toBe(`Your sign-in code is ${code}. It is valid for 5 minutes.`);
    const session = await expectSmsSession(dev, phoneNumber, code);
    expect(session.user.phoneNumber).toBe(phoneNumber);
  });
});

describe('logs with a real provider', () => {
  it('hold neither the Twilio credentials nor the code, but say why an SMS failed', async () => {
    const phoneNumber = uniquePhoneNumber();
    expectSmsRequestOk(await requestSms(real, { phoneNumber }));
    const code = twilio.lastCode(phoneNumber);
    await expectSmsSession(real, phoneNumber, code);
    twilio.failWith(401);
    try {
      expectSmsRequestError(await requestSms(real, { phoneNumber }), 400, 'cannot-send-sms');
    } finally {
      twilio.failWith(null);
    }
    const text = realLog.lines.join('\n');
    expect(text).not.toContain(twilio.authToken);
    expect(text).not.toContain(Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64'));
    // The code standing alone (timestamps and ids are longer runs of digits and hex).
    expect(text).not.toMatch(new RegExp(`(?<![0-9a-f])${code}(?![0-9a-f])`));
    expect(text).toContain('Twilio answered 401');
  });
});

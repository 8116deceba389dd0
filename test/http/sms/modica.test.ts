import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../support/app.js';
import { startAppGroup, type AppGroup } from '../../support/email-password.js';
import { startFakeModica, type FakeModica } from '../../support/fake-sms.js';
import {
  countUsersWithPhone,
  expectSmsRequestError,
  expectSmsRequestOk,
  expectSmsSession,
  requestSms,
  uniquePhoneNumber,
} from '../../support/sms-users.js';

// SMS sign-in through Modica Group's REST API (MESSAGES.md §7.5), against a loopback Modica.

let modica: FakeModica;
let g: AppGroup<'modica'>;
let t: TestApp;

beforeAll(async () => {
  modica = await startFakeModica();
  g = await startAppGroup({ modica: { ...modica.env(), AUTH_LOCALE_ALLOWED_LOCALES: 'en,fr' } });
  t = g.apps.modica;
});
afterAll(async () => {
  await g?.close();
  await modica?.close();
});

describe('SMS sign-in with Modica', () => {
  it('posts the rendered text as JSON with HTTP Basic auth, and the code signs in', async () => {
    const phoneNumber = uniquePhoneNumber();
    expectSmsRequestOk(await requestSms(t, { phoneNumber, options: { locale: 'fr' } }));
    expect(modica.rejected).toEqual([]);
    const code = modica.lastCode(phoneNumber);
    expect(modica.messages.at(-1)).toEqual({ destination: phoneNumber, content: `Votre code de connexion est ${code}. Il est valable 5 minutes.` });
    const request = modica.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/rest/sms/v2/messages');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(JSON.parse(request.body)).sort()).toEqual(['content', 'destination']);

    const session = await expectSmsSession(t, phoneNumber, code);
    expect(session.user).toMatchObject({ phoneNumber, phoneNumberVerified: true, locale: 'fr' });
  });

  it('refuses a number without a leading + before calling Modica, storing nothing', async () => {
    const phoneNumber = uniquePhoneNumber().slice(1);
    const before = modica.requests.length;
    expectSmsRequestError(await requestSms(t, { phoneNumber }), 400, 'cannot-send-sms');
    expect(modica.requests.length).toBe(before);
    expect(await countUsersWithPhone(g.db, phoneNumber)).toBe(0);
  });

  it('treats anything but 202 as a failure', async () => {
    for (const status of [200, 400, 500]) {
      const phoneNumber = uniquePhoneNumber();
      modica.failWith(status);
      try {
        expectSmsRequestError(await requestSms(t, { phoneNumber }), 400, 'cannot-send-sms');
      } finally {
        modica.failWith(null);
      }
      expect(await countUsersWithPhone(g.db, phoneNumber)).toBe(0);
    }
  });
});

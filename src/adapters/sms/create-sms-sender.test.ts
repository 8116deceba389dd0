import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { createSmsSender } from './create-sms-sender.js';
import { createRecordingSmsSender } from './recording-sms.js';
import { SmsDeliveryError } from './sms.js';

const BASE = {
  HASURA_GRAPHQL_JWT_SECRET: JSON.stringify({ type: 'HS256', key: 'a-test-signing-key-that-is-long-enough-for-hs256-0123456789' }),
  AUTH_ENCRYPTION_KEY: '00'.repeat(32),
  POSTGRES_CONNECTION: 'postgres://unused@127.0.0.1:1/unused',
};
const TWILIO = { AUTH_SMS_PASSWORDLESS_ENABLED: 'true', AUTH_SMS_TWILIO_ACCOUNT_SID: 'AC123', AUTH_SMS_TWILIO_AUTH_TOKEN: 'token' };
const log = pino({ level: 'silent' });
const render = () => 'text';

describe('createSmsSender', () => {
  it('builds nothing while SMS sign-in is off', () => {
    expect(createSmsSender(loadConfig(BASE), render, log)).toBeUndefined();
  });

  it('chooses Twilio Verify by a Verify service SID, the Messages API otherwise', () => {
    expect(createSmsSender(loadConfig({ ...BASE, ...TWILIO, AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID: 'VA123' }), render, log)?.kind).toBe('verify');
    expect(createSmsSender(loadConfig({ ...BASE, ...TWILIO, AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID: 'MG123' }), render, log)?.kind).toBe('text');
    // The reference's test of the account SID does not select Verify.
    expect(createSmsSender(loadConfig({ ...BASE, ...TWILIO, AUTH_SMS_TWILIO_ACCOUNT_SID: 'VA999', AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID: '+15005550006' }), render, log)?.kind).toBe('text');
  });

  it('refuses a provider URL that is not a URL while SMS sign-in is on', () => {
    expect(() => loadConfig({ ...BASE, ...TWILIO, AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID: 'MG1', AUTH_SMS_TWILIO_API_URL: 'http://[::1' })).toThrow(/AUTH_SMS_TWILIO_API_URL/);
  });
});

describe('createRecordingSmsSender', () => {
  it('records codes and fails on request', async () => {
    const sms = createRecordingSmsSender();
    await sms.sendCode({ to: '+1', locale: 'en', code: '123456' });
    sms.failNext();
    await expect(sms.sendCode({ to: '+2', locale: 'en', code: '654321' })).rejects.toBeInstanceOf(SmsDeliveryError);
    expect(sms.sent).toEqual([{ to: '+1', locale: 'en', code: '123456' }]);
  });
});

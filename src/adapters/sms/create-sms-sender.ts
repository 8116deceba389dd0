import type { Logger } from 'pino';
import type { Config } from '../../config/load.js';
import { createDevSmsSender } from './dev-sms.js';
import { createModicaSender } from './modica.js';
import type { SmsRenderer, SmsSender } from './sms.js';
import { createTwilioMessagingSender } from './twilio-messaging.js';
import { createTwilioVerifyService } from './twilio-verify.js';

/**
 * The sender AUTH_SMS_PROVIDER names (MESSAGES.md §7.2), or none while SMS sign-in is off (the
 * reference builds no client then). Twilio Verify is chosen by a Verify service SID (`VA…`) in
 * AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID (see `buildSms`).
 */
export function createSmsSender(config: Config, render: SmsRenderer, log: Logger): SmsSender | undefined {
  if (!config.passwordless.smsEnabled) return undefined;
  const { sms } = config;
  switch (sms.provider) {
    case 'twilio': {
      const { accountSid, authToken, messagingServiceId } = sms.twilio;
      if (sms.twilio.usesVerify) return createTwilioVerifyService({ accountSid, authToken, serviceSid: messagingServiceId, apiUrl: sms.twilio.verifyApiUrl });
      return createTwilioMessagingSender({ accountSid, authToken, from: messagingServiceId, apiUrl: sms.twilio.apiUrl }, render);
    }
    case 'modica':
      return createModicaSender({ username: sms.modica.username, password: sms.modica.password, apiUrl: sms.modica.apiUrl }, render);
    case 'dev':
      log.warn('AUTH_SMS_PROVIDER=dev: SMS are written to the log, codes included, instead of being sent. Never use it in production.');
      return createDevSmsSender(log, render);
  }
}

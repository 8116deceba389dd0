import { basicAuthorization, callProvider, refusal, renderSmsText, type SmsRenderer, type SmsTextSender } from './sms.js';

/** AUTH_SMS_TWILIO_* for the Messages API. */
export interface TwilioMessagingSettings {
  accountSid: string;
  authToken: string;
  /** AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID: a messaging service SID (`MG…`) or a sender number. */
  from: string;
  /** AUTH_SMS_TWILIO_API_URL: `https://api.twilio.com` in production. */
  apiUrl: string;
  timeoutMs?: number;
}

/**
 * Twilio Programmable Messaging (MESSAGES.md §7.3): one form POST to the account's `Messages.json`
 * with HTTP Basic auth (account SID, auth token). As in the reference, the messaging-service id goes
 * in `From`, which Twilio accepts for a messaging service SID as for a number. Any 2xx is success
 * (Twilio answers 201).
 */
export function createTwilioMessagingSender(settings: TwilioMessagingSettings, render: SmsRenderer): SmsTextSender {
  const url = `${settings.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  return {
    kind: 'text',
    async sendCode(message) {
      const body = new URLSearchParams({ To: message.to, From: settings.from, Body: renderSmsText(render, message) });
      const { status, text } = await callProvider(
        'Twilio',
        url,
        {
          method: 'POST',
          headers: {
            Authorization: basicAuthorization(settings.accountSid, settings.authToken),
            'Content-Type': 'application/x-www-form-urlencoded',
            Accept: 'application/json',
          },
          body: body.toString(),
        },
        settings.timeoutMs,
      );
      if (status < 200 || status > 299) throw refusal('Twilio', status, text);
    },
  };
}

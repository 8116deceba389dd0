import { basicAuthorization, callProvider, refusal, renderSmsText, SmsDeliveryError, type SmsRenderer, type SmsTextSender } from './sms.js';

/** AUTH_SMS_MODICA_*. */
export interface ModicaSettings {
  username: string;
  password: string;
  /** AUTH_SMS_MODICA_API_URL: `https://api.modicagroup.com` in production. */
  apiUrl: string;
  timeoutMs?: number;
}

/**
 * Modica Group's REST API (MESSAGES.md §7.5): JSON `{destination, content}` with HTTP Basic auth.
 * Only 202 is success. As in the reference, a destination without a leading `+` or an empty text
 * fails without a call.
 */
export function createModicaSender(settings: ModicaSettings, render: SmsRenderer): SmsTextSender {
  const url = `${settings.apiUrl}/rest/sms/v2/messages`;
  return {
    kind: 'text',
    async sendCode(message) {
      if (!message.to.startsWith('+')) throw new SmsDeliveryError('Modica needs the destination in international format, starting with +');
      const content = renderSmsText(render, message);
      if (content === '') throw new SmsDeliveryError('Modica refuses an empty message');
      const { status, text } = await callProvider(
        'Modica',
        url,
        {
          method: 'POST',
          headers: { Authorization: basicAuthorization(settings.username, settings.password), 'Content-Type': 'application/json' },
          body: JSON.stringify({ destination: message.to, content }),
        },
        settings.timeoutMs,
      );
      if (status !== 202) throw refusal('Modica', status, text);
    },
  };
}

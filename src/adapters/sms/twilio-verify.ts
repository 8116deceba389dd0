import { basicAuthorization, callProvider, refusal, SmsDeliveryError, type SmsVerifyService } from './sms.js';

/** AUTH_SMS_TWILIO_* in Verify mode. */
export interface TwilioVerifySettings {
  accountSid: string;
  authToken: string;
  /** AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID holding a Verify service SID (`VA…`). */
  serviceSid: string;
  /** AUTH_SMS_TWILIO_VERIFY_API_URL: `https://verify.twilio.com` in production. */
  apiUrl: string;
  timeoutMs?: number;
}

/**
 * Twilio Verify (MESSAGES.md §7.4): Twilio generates and words the SMS (our template is not used)
 * and checks the code. A check is approved only when Twilio's JSON answer says
 * `"status": "approved"`; a 4xx (Twilio answers 404 for an expired or already approved
 * verification) or any other status is a refused code. A 5xx or a network failure is an error, so
 * the caller can tell "wrong code" from "Twilio is down".
 */
export function createTwilioVerifyService(settings: TwilioVerifySettings): SmsVerifyService {
  const base = `${settings.apiUrl}/v2/Services/${encodeURIComponent(settings.serviceSid)}`;
  const post = (path: string, form: Record<string, string>) =>
    callProvider(
      'Twilio Verify',
      `${base}/${path}`,
      {
        method: 'POST',
        headers: {
          Authorization: basicAuthorization(settings.accountSid, settings.authToken),
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams(form).toString(),
      },
      settings.timeoutMs,
    );
  return {
    kind: 'verify',
    async startVerification({ to, locale }) {
      const { status, text } = await post('Verifications', { To: to, Channel: 'sms', Locale: locale });
      if (status < 200 || status > 299) throw refusal('Twilio Verify', status, text);
    },
    async checkCode({ to, code }) {
      const { status, text } = await post('VerificationCheck', { To: to, Code: code });
      if (status >= 500) throw refusal('Twilio Verify', status, text);
      if (status < 200 || status > 299) return false;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new SmsDeliveryError('Twilio Verify answered a body that is not JSON', { cause: err });
      }
      return typeof parsed === 'object' && parsed !== null && (parsed as { status?: unknown }).status === 'approved';
    },
  };
}

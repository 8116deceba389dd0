import { MailDeliveryError, type Mailer } from './mailer.js';

/**
 * Postmark's "send with template" API (MESSAGES.md §9): Postmark renders the message from the
 * template alias `<locale>.<template>`; no local templates, no locale fallback, no `X-` headers.
 */

export interface PostmarkSettings {
  /** AUTH_SMTP_PASS */
  serverToken: string;
  /** AUTH_SMTP_SENDER */
  sender: string;
  /** `https://api.postmarkapp.com` in production; a loopback server in tests. */
  baseUrl: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_DETAIL_LENGTH = 200;

export function createPostmarkMailer(settings: PostmarkSettings): Mailer {
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/email/withTemplate`;
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    async send(email) {
      const v = email.variables;
      const body = JSON.stringify({
        TemplateAlias: `${email.locale}.${email.template}`,
        // `locale` is the requested one: Postmark has no fallback of ours to report.
        TemplateModel: {
          link: v.link,
          displayName: v.displayName,
          email: v.email,
          newEmail: v.newEmail,
          ticket: v.ticket,
          redirectTo: v.redirectTo,
          locale: email.locale,
          serverUrl: v.serverUrl,
          clientUrl: v.clientUrl,
        },
        From: settings.sender,
        To: email.to,
      });
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'X-Postmark-Server-Token': settings.serverToken, 'Content-Type': 'application/json', Accept: 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new MailDeliveryError(`Postmark request failed: ${describeFetchError(err)}`, { cause: err });
      }
      const text = await response.text().catch(() => '');
      // Only 200 counts as accepted, as in the reference.
      if (response.status === 200) return;
      throw new MailDeliveryError(`Postmark answered ${response.status}${describePostmarkError(text)}`);
    },
    async close() {},
  };
}

function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.name === 'TimeoutError' ? 'timed out' : err.message}${cause}`;
}

/** Postmark's error body is `{"ErrorCode": 300, "Message": "…"}`. */
function describePostmarkError(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return '';
  }
  if (typeof parsed !== 'object' || parsed === null) return '';
  const { ErrorCode: code, Message: message } = parsed as { ErrorCode?: unknown; Message?: unknown };
  const parts: string[] = [];
  if (typeof code === 'number' || typeof code === 'string') parts.push(`ErrorCode ${code}`);
  if (typeof message === 'string' && message !== '') parts.push(message.replace(/[\r\n]/g, ' ').slice(0, MAX_DETAIL_LENGTH));
  return parts.length > 0 ? ` (${parts.join(': ')})` : '';
}

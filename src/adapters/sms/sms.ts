/**
 * Outgoing SMS (MESSAGES.md §7). The flow decides *what* to send (a sign-in code to a number, in a
 * locale); the sender decides *how*: rendered from the `signin-passwordless-sms` template and handed
 * to Twilio's Messages API, Modica or the log, or handed to Twilio Verify, which makes and checks
 * the code itself.
 */

/** A sign-in code to text. */
export interface SmsCode {
  /** The number exactly as the client wrote it. */
  to: string;
  /** The locale asked for; the template falls back to the default locale. */
  locale: string;
  /** The six-digit code we generated. */
  code: string;
}

/** A provider that delivers the text of a code we generated and check ourselves. */
export interface SmsTextSender {
  readonly kind: 'text';
  sendCode(message: SmsCode): Promise<void>;
}

/** A provider that generates, texts and checks the code itself (Twilio Verify, MESSAGES.md §7.4). */
export interface SmsVerifyService {
  readonly kind: 'verify';
  /** Starts a verification: the provider texts its own code to `to`. */
  startVerification(input: { to: string; locale: string }): Promise<void>;
  /**
   * True only when the provider approves `code` for `to`. A refusal (wrong, expired or spent code)
   * is false; an unreachable or failing provider throws SmsDeliveryError.
   */
  checkCode(input: { to: string; code: string }): Promise<boolean>;
}

/** AUTH_SMS_PROVIDER, built in `app.ts` when AUTH_SMS_PASSWORDLESS_ENABLED is on. */
export type SmsSender = SmsTextSender | SmsVerifyService;

/** The provider could not be reached, refused the message, or answered something unexpected. */
export class SmsDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SmsDeliveryError';
  }
}

/** Renders the `signin-passwordless-sms` template (the template store's `renderSms`). */
export type SmsRenderer = (locale: string, variables: { code: string }) => string | null;

/** The text of a code message; a missing template is a delivery failure, as in the reference. */
export function renderSmsText(render: SmsRenderer, message: SmsCode): string {
  const text = render(message.locale, { code: message.code });
  if (text === null) throw new SmsDeliveryError(`no signin-passwordless-sms template for locale ${JSON.stringify(message.locale)}`);
  return text;
}

export const SMS_TIMEOUT_MS = 30_000;
const MAX_DETAIL_LENGTH = 200;

/** `Authorization: Basic …` for a user and password. */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * One provider call with a timeout. Network failures become SmsDeliveryError; the caller judges the
 * status. The body is read so the connection is released.
 */
export async function callProvider(provider: string, url: string, init: RequestInit, timeoutMs = SMS_TIMEOUT_MS): Promise<{ status: number; text: string }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new SmsDeliveryError(`${provider} request failed: ${describeFetchError(err)}`, { cause: err });
  }
  const text = await response.text().catch(() => '');
  return { status: response.status, text };
}

/** A provider's refusal, with the start of its answer (never our credentials) for the log. */
export function refusal(provider: string, status: number, text: string): SmsDeliveryError {
  const detail = text.trim().slice(0, MAX_DETAIL_LENGTH);
  return new SmsDeliveryError(`${provider} answered ${status}${detail === '' ? '' : `: ${detail}`}`);
}

function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.name === 'TimeoutError' ? 'timed out' : err.message}${cause}`;
}

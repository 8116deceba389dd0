/**
 * Outgoing e-mail (MESSAGES.md). A flow describes *what* to send (template, recipient, variables);
 * the mailer decides *how*: rendered from local templates and sent over SMTP, or handed to
 * Postmark's template API.
 */

/** The e-mail templates of the reference (MESSAGES.md §2.1). */
export const EMAIL_TEMPLATE_IDS = ['email-verify', 'email-confirm-change', 'password-reset', 'signin-passwordless', 'signin-otp'] as const;
export type EmailTemplateId = (typeof EMAIL_TEMPLATE_IDS)[number];

/** The SMS template (MESSAGES.md §2.1); rendered by the SMS work, loaded with the e-mail ones. */
export const SMS_TEMPLATE_ID = 'signin-passwordless-sms';

/** Template variables (MESSAGES.md §3.1), all strings; `locale` is filled in by the renderer. */
export interface EmailVariables {
  /** The `/verify` link, or `''` for `signin-otp`. */
  link: string;
  displayName: string;
  /** The user's current address. */
  email: string;
  /** Only for `email-confirm-change`: the requested address; `''` otherwise. */
  newEmail: string;
  /** The raw ticket, or the six-digit code for `signin-otp`. */
  ticket: string;
  redirectTo: string;
  serverUrl: string;
  clientUrl: string;
}

export interface OutgoingEmail {
  template: EmailTemplateId;
  /** Recipient address. */
  to: string;
  /** The locale asked for; the renderer may fall back to the default locale. */
  locale: string;
  variables: EmailVariables;
}

/** Delivers one message, resolving once the relay (or API) has accepted it. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
  close(): Promise<void>;
}

/** The message could not be handed over: connection, TLS, authentication or protocol failure. */
export class MailDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailDeliveryError';
  }
}

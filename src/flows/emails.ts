import type { EmailTemplateId } from '../adapters/mailer/mailer.js';
import { AuthError } from '../errors.js';
import type { FlowDeps } from './deps.js';
import { buildVerifyLink, type LinkType } from './rules/tickets.js';

/** One e-mail a flow sends (MESSAGES.md §3.3): who gets it and what it carries. */
export interface EmailToSend {
  template: EmailTemplateId;
  to: string;
  locale: string;
  displayName: string;
  /** The user's current address (the `email` variable). */
  email: string;
  /** Only for `email-confirm-change`. */
  newEmail?: string;
  /** The ticket, or the six-digit code for `signin-otp`. */
  ticket: string;
  redirectTo: string;
  /** The `/verify` link to build; null for `signin-otp`, which carries no link. */
  link: { type: LinkType; codeChallenge?: string | undefined } | null;
}

/**
 * Hands the message to the mail server and resolves once it has accepted it. Callers send from
 * inside the transaction that stores the ticket, so a refused or unreachable mail server rolls the
 * ticket back: no ticket the user can never receive replaces one they already have. Any failure
 * answers `internal-server-error`, as the reference does; the cause goes to the log, never the
 * ticket (it is a secret).
 */
export async function sendEmail(deps: FlowDeps, e: EmailToSend): Promise<void> {
  const { serverUrl, clientUrl } = deps.config.server;
  const link = e.link ? buildVerifyLink(linkBaseUrl(deps.config.server), { type: e.link.type, ticket: e.ticket, redirectTo: e.redirectTo, codeChallenge: e.link.codeChallenge }) : '';
  const started = performance.now();
  try {
    await deps.mailer.send({
      template: e.template,
      to: e.to,
      locale: e.locale,
      variables: { link, displayName: e.displayName, email: e.email, newEmail: e.newEmail ?? '', ticket: e.ticket, redirectTo: e.redirectTo, serverUrl, clientUrl },
    });
  } catch (err) {
    throw new AuthError('internal-server-error', { cause: err });
  }
  deps.emailPacer.record(performance.now() - started);
}

/**
 * Where e-mailed links point: AUTH_SERVER_URL, or, when it is unset, this server on localhost (the
 * reference wrote a relative `verify?…` link that no mail client can open).
 */
export function linkBaseUrl(server: { serverUrl: string; port: number; apiPrefix: string }): string {
  return server.serverUrl !== '' ? server.serverUrl : `http://localhost:${server.port}${server.apiPrefix}`;
}

/**
 * Keeps answers that must not reveal whether an account exists as slow as those that sent an
 * e-mail: a moving average of recent delivery times, waited out when nothing is sent.
 */
export class EmailPacer {
  private averageMs = 0;

  record(durationMs: number): void {
    this.averageMs = this.averageMs === 0 ? durationMs : this.averageMs * 0.8 + durationMs * 0.2;
  }

  /** Waits about as long as a delivery takes. */
  async waitLikeASend(): Promise<void> {
    const ms = Math.min(this.averageMs, 5_000);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

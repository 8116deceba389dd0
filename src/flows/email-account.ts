import { AuthError } from '../errors.js';
import { findUserByEmail, updateUserTicket, updateUserTicketAndNewEmail, type UserRow } from '../store/users.js';
import type { EmailTemplateId } from '../adapters/mailer/mailer.js';
import type { AuthContext } from './auth-context.js';
import type { FlowDeps } from './deps.js';
import { sendEmail } from './emails.js';
import { resolveRedirectTo } from './rules/redirect.js';
import { LINK_TYPE_OF, newTicket, type LinkTicketKind } from './rules/tickets.js';
import { checkUserIgnoringUnverified, hasuraUserIdOf, isEmailAccepted, loadCheckedUser, userStateError } from './user-checks.js';

/** The body of the three account e-mail requests. */
export interface AccountEmailInput {
  email: string;
  options?: { redirectTo?: string | undefined } | undefined;
  codeChallenge?: string | undefined;
}

function redirectOf(deps: FlowDeps, input: { options?: { redirectTo?: string | undefined } | undefined }): string {
  return resolveRedirectTo(deps.redirects, deps.config.server.clientUrl, input.options?.redirectTo);
}

/**
 * Stores a new ticket of `kind` in the user's slot and, in the same transaction, e-mails its link
 * to `to` in the user's locale and name: a refused delivery leaves the previous ticket in place.
 */
async function mailTicket(
  deps: FlowDeps,
  user: UserRow,
  mail: { kind: LinkTicketKind; template: EmailTemplateId; to: string; redirectTo: string; codeChallenge: string | undefined },
): Promise<void> {
  const issued = newTicket(mail.kind, deps.random.uuid(), deps.clock.now());
  await deps.db.transaction(async (tx) => {
    await updateUserTicket(tx, user.id, issued.ticket, issued.expiresAt);
    await sendEmail(deps, {
      template: mail.template,
      to: mail.to,
      locale: user.locale,
      displayName: user.displayName,
      email: mail.to,
      ticket: issued.ticket,
      redirectTo: mail.redirectTo,
      link: { type: LINK_TYPE_OF[mail.kind], codeChallenge: mail.codeChallenge },
    });
  });
}

/**
 * `POST /user/password/reset` (API.md §3.6.6). Whether or not an eligible account has the address,
 * the answer is `"OK"` and takes about as long (the pacer waits out a typical delivery), so neither
 * the answer nor its timing tells who has an account.
 */
export async function requestPasswordReset(deps: FlowDeps, input: AccountEmailInput): Promise<void> {
  const redirectTo = redirectOf(deps, input);
  const user = isEmailAccepted(deps, input.email) ? await findUserByEmail(deps.db, input.email) : null;
  if (!user || userStateError(deps, user) !== null) {
    await deps.emailPacer.waitLikeASend();
    return;
  }
  // Sent to the address as typed, as the reference does.
  await mailTicket(deps, user, { kind: 'passwordReset', template: 'password-reset', to: input.email, redirectTo, codeChallenge: input.codeChallenge });
}

/**
 * `POST /user/email/send-verification-email` (API.md §3.6.4). An unknown address answers
 * `invalid-email-password` and a verified one `email-already-verified`: the reference's contract,
 * which clients branch on.
 */
export async function resendVerificationEmail(deps: FlowDeps, input: AccountEmailInput): Promise<void> {
  const redirectTo = redirectOf(deps, input);
  const user = await findUserByEmail(deps.db, input.email);
  if (!user || user.email === null) throw new AuthError('invalid-email-password');
  checkUserIgnoringUnverified(deps, user);
  if (user.emailVerified) throw new AuthError('email-already-verified');
  await mailTicket(deps, user, { kind: 'verifyEmail', template: 'email-verify', to: user.email, redirectTo, codeChallenge: input.codeChallenge });
}

/**
 * `POST /user/email/change` (API.md §3.6.3): e-mails a confirmation link to the new address.
 * Deliberate differences: the allow and block lists apply to the new address (the reference
 * skipped them), and the current address's verified flag is left alone (the reference set it).
 */
export async function requestEmailChange(deps: FlowDeps, auth: AuthContext, input: { newEmail: string; options?: { redirectTo?: string | undefined } | undefined; codeChallenge?: string | undefined }): Promise<void> {
  const redirectTo = redirectOf(deps, input);
  const user = await loadCheckedUser(deps, deps.db, hasuraUserIdOf(auth.hasuraUserId));
  if (!isEmailAccepted(deps, input.newEmail)) throw new AuthError('invalid-email-password');
  if (await findUserByEmail(deps.db, input.newEmail)) throw new AuthError('email-already-in-use');
  const issued = newTicket('emailConfirmChange', deps.random.uuid(), deps.clock.now());
  await deps.db.transaction(async (tx) => {
    await updateUserTicketAndNewEmail(tx, { id: user.id, ticket: issued.ticket, ticketExpiresAt: issued.expiresAt, newEmail: input.newEmail });
    await sendEmail(deps, {
      template: 'email-confirm-change',
      to: input.newEmail,
      locale: user.locale,
      displayName: user.displayName,
      email: user.email ?? '',
      newEmail: input.newEmail,
      ticket: issued.ticket,
      redirectTo,
      link: { type: 'emailConfirmChange', codeChallenge: input.codeChallenge },
    });
  });
}

import { AuthError } from '../errors.js';
import type { Queryable } from '../store/db.js';
import { findUserByEmail, updateUserCheckEmailOtp, updateUserEmailOtp, updateUserTicket, type UserRow } from '../store/users.js';
import type { FlowDeps } from './deps.js';
import { claimAttempt, recordSuccess } from './lockout.js';
import { sendEmail } from './emails.js';
import type { SignUpOptionsInput, ValidatedSignUpOptions } from './rules/sign-up-options.js';
import { EMAIL_OTP_TTL_MS, isEmailOtpShape, newTicket } from './rules/tickets.js';
import { issueSession, type Session } from './session.js';
import { createAccount, resolveSignUpOptions } from './sign-up.js';
import { checkUser, checkUserIgnoringUnverified, isEmailAccepted } from './user-checks.js';

export interface EmailSignInInput {
  email: string;
  options?: SignUpOptionsInput | undefined;
  codeChallenge?: string | undefined;
}

/** Who the e-mail greets: the stored user, or the options of the account being created. */
interface Recipient {
  locale: string;
  displayName: string;
}

/**
 * The part shared by the magic link and the e-mail code (API.md §3.3.4–3.3.5): checks, then either
 * creates the account (no session; gated by AUTH_DISABLE_SIGNUP and AUTH_DISABLE_NEW_USERS) or
 * refreshes the credential of the existing one, sending the e-mail inside the same transaction.
 */
async function startEmailSignIn(
  deps: FlowDeps,
  input: EmailSignInInput,
  issue: (tx: Queryable, user: UserRow, recipient: Recipient, options: ValidatedSignUpOptions) => Promise<void>,
  ticket?: ReturnType<typeof newTicket>,
): Promise<void> {
  if (!isEmailAccepted(deps, input.email)) throw new AuthError('invalid-email-password');
  // V-OPTIONS runs for existing users too, before the sign-up gate (API.md §3.3.4 step 3).
  const options = resolveSignUpOptions(deps, input.options, input.email);
  const existing = await findUserByEmail(deps.db, input.email);
  if (!existing) {
    await createAccount(deps, {
      email: input.email,
      passwordHash: null,
      options,
      wantsVerification: false,
      isWithoutSession: true,
      ...(ticket ? { ticket } : {}),
      deliver: (tx, user) => issue(tx, user, { locale: options.locale, displayName: options.displayName }, options),
    });
    return;
  }
  // An unverified address is no obstacle: the link or code proves it.
  checkUserIgnoringUnverified(deps, existing);
  await deps.db.transaction((tx) => issue(tx, existing, { locale: existing.locale, displayName: existing.displayName }, options));
}

/** `POST /signin/passwordless/email`: a magic link to `GET /verify`. */
export async function sendMagicLink(deps: FlowDeps, input: EmailSignInInput): Promise<void> {
  if (!deps.config.passwordless.emailEnabled) throw new AuthError('disabled-endpoint');
  const issued = newTicket('passwordlessEmail', deps.random.uuid(), deps.clock.now());
  await startEmailSignIn(
    deps,
    input,
    async (tx, user, recipient, options) => {
      // A new user already carries the ticket from its insert; an existing one gets it now.
      if (user.ticket !== issued.ticket) await updateUserTicket(tx, user.id, issued.ticket, issued.expiresAt);
      await sendEmail(deps, {
        template: 'signin-passwordless',
        to: input.email,
        ...recipient,
        email: input.email,
        ticket: issued.ticket,
        redirectTo: options.redirectTo,
        link: { type: 'signinPasswordless', codeChallenge: input.codeChallenge },
      });
    },
    issued,
  );
}

/**
 * `POST /signin/otp/email`: a six-digit code. Unlike the target, which kept the code in clear in
 * the ticket slot, it is stored hashed with an attempt counter (SCHEMA-NEWER.md §4.5).
 */
export async function sendEmailOtp(deps: FlowDeps, input: EmailSignInInput): Promise<void> {
  if (!deps.config.otp.emailEnabled) throw new AuthError('disabled-endpoint');
  const code = deps.random.digits(6);
  const expiresAt = new Date(deps.clock.now().getTime() + EMAIL_OTP_TTL_MS);
  await startEmailSignIn(deps, input, async (tx, user, recipient, options) => {
    await updateUserEmailOtp(tx, user.id, code, expiresAt);
    await sendEmail(deps, {
      template: 'signin-otp',
      to: input.email,
      ...recipient,
      email: input.email,
      ticket: code,
      redirectTo: options.redirectTo,
      link: null,
    });
  });
}

/**
 * `POST /signin/otp/email/verify` (API.md §3.3.6). Deliberate differences (security): only
 * six-digit e-mail codes are accepted, never another ticket (the reference let an `mfaTotp:` ticket
 * through, skipping the second factor); the endpoint follows AUTH_OTP_EMAIL_ENABLED; and after
 * AUTH_OTP_MAX_ATTEMPTS wrong codes the code is burned. Across codes, the per-account lockout
 * (flows/lockout.ts) stops an e-mail after AUTH_LOCKOUT_MAX_FAILURES wrong ones, with the same answer.
 */
export async function verifyEmailOtp(deps: FlowDeps, input: { email: string; otp: string }): Promise<Session> {
  if (!deps.config.otp.emailEnabled) throw new AuthError('disabled-endpoint');
  if (!isEmailOtpShape(input.otp)) throw new AuthError('invalid-ticket');
  if (!(await claimAttempt(deps, 'email-otp', input.email))) throw new AuthError('invalid-ticket');
  const outcome = await updateUserCheckEmailOtp(deps.db, input.email, input.otp, deps.clock.now(), deps.config.otp.maxAttempts);
  if (outcome.kind === 'rejected') throw new AuthError('invalid-ticket');
  await recordSuccess(deps, 'email-otp', input.email);
  checkUser(deps, outcome.user);
  return deps.db.transaction((tx) => issueSession(deps, tx, outcome.user));
}

import { AuthError } from '../errors.js';
import { isUniqueViolation } from '../store/db.js';
import { deleteRefreshTokensByUserId } from '../store/refresh-tokens.js';
import { deleteUserRolesByUserId, insertUserRoles } from '../store/user-roles.js';
import { findUserByEmail, insertUser, updateUserDeanonymized } from '../store/users.js';
import type { AuthContext } from './auth-context.js';
import type { FlowDeps } from './deps.js';
import { validatePassword } from './password.js';
import { resolveLocale } from './rules/sign-up-options.js';
import type { SignUpOptionsInput } from './rules/sign-up-options.js';
import { issueSession, type Session } from './session.js';
import { resolveSignUpOptions } from './sign-up.js';
import { sendEmail } from './emails.js';
import { newTicket, type NewTicket } from './rules/tickets.js';
import { hasuraUserIdOf, isEmailAccepted } from './user-checks.js';

const ANONYMOUS_ROLE = 'anonymous';

export interface AnonymousInput {
  displayName?: string | undefined;
  locale?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/** `POST /signin/anonymous` (API.md §3.3.3). */
export async function signInAnonymously(deps: FlowDeps, input: AnonymousInput): Promise<Session> {
  const { signUp } = deps.config;
  if (signUp.disableSignup) throw new AuthError('signup-disabled');
  if (!deps.config.anonymousUsers.enabled) throw new AuthError('disabled-endpoint');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const user = await insertUser(tx, {
      id: deps.random.uuid(),
      email: null,
      passwordHash: null,
      displayName: input.displayName ?? 'Anonymous User',
      avatarUrl: '',
      locale: resolveLocale(input.locale, [...signUp.allowedLocales], signUp.localeDefault),
      defaultRole: ANONYMOUS_ROLE,
      metadata: input.metadata ?? null,
      isAnonymous: true,
      disabled: false, // not affected by AUTH_DISABLE_NEW_USERS
      emailVerified: false,
      ticket: null,
      ticketExpiresAt: now,
      lastSeen: now,
      now,
    });
    await insertUserRoles(tx, user.id, [ANONYMOUS_ROLE], now);
    return issueSession(deps, tx, user, { roles: [ANONYMOUS_ROLE], showAnonymousFlag: true });
  });
}

export interface DeanonymizeInput {
  signInMethod: 'email-password' | 'passwordless';
  email: string;
  password?: string | undefined;
  options?: SignUpOptionsInput | undefined;
  codeChallenge?: string | undefined;
}

/** `POST /user/deanonymize` (API.md §3.6.2): an anonymous user becomes a real one. */
export async function deanonymize(deps: FlowDeps, auth: AuthContext, input: DeanonymizeInput): Promise<void> {
  if (auth.isAnonymousClaim !== 'true') throw new AuthError('user-not-anonymous');
  const userId = hasuraUserIdOf(auth.hasuraUserId);
  let passwordHash = '';
  if (input.signInMethod === 'email-password') {
    if (input.password === undefined) throw new AuthError('invalid-request');
    await validatePassword(deps, input.password);
  }
  const options = resolveSignUpOptions(deps, input.options, input.email);
  if (!isEmailAccepted(deps, input.email)) throw new AuthError('invalid-email-password');
  if (await findUserByEmail(deps.db, input.email)) throw new AuthError('email-already-in-use');
  if (input.signInMethod === 'email-password' && input.password !== undefined) passwordHash = await deps.hasher.hash(input.password);

  const now = deps.clock.now();
  const isPasswordless = input.signInMethod === 'passwordless';
  const needsVerification = !isPasswordless && deps.config.signUp.emailVerifiedRequired;
  let issued: NewTicket | null = null;
  if (isPasswordless) issued = newTicket('passwordlessEmail', deps.random.uuid(), now);
  else if (needsVerification) issued = newTicket('verifyEmail', deps.random.uuid(), now);
  await deps.db.transaction(async (tx) => {
    await deleteUserRolesByUserId(tx, userId);
    await updateUserDeanonymized(tx, {
      id: userId,
      email: input.email,
      passwordHash,
      displayName: options.displayName,
      locale: options.locale,
      defaultRole: options.defaultRole,
      // Absent metadata is SQL NULL here (API.md §3.6.2 step 8), not JSON null as at sign-up.
      metadata: input.options?.metadata,
      // No ticket: the empty string, as the reference stores (FLOWS.md §11.2 step 7).
      ticket: issued?.ticket ?? '',
      ticketExpiresAt: issued?.expiresAt ?? now,
    });
    await insertUserRoles(tx, userId, options.allowedRoles, now);
    if (!issued) return;
    await deleteRefreshTokensByUserId(tx, userId);
    // Sent before the conversion commits: if the mail server refuses, the user stays anonymous
    // with the session they had, instead of being locked out of an account whose link never came.
    await sendEmail(deps, {
      template: isPasswordless ? 'signin-passwordless' : 'email-verify',
      to: input.email,
      locale: options.locale,
      displayName: options.displayName,
      email: input.email,
      ticket: issued.ticket,
      redirectTo: options.redirectTo,
      link: { type: isPasswordless ? 'signinPasswordless' : 'emailVerify', codeChallenge: input.codeChallenge },
    });
  }).catch((err: unknown) => {
    if (isUniqueViolation(err)) throw new AuthError('email-already-in-use', { cause: err });
    throw err;
  });
}

import { AuthError } from '../errors.js';
import { isUniqueViolation, type Queryable } from '../store/db.js';
import { insertUserRoles } from '../store/user-roles.js';
import { insertUser, type NewUser, type UserRow } from '../store/users.js';
import type { FlowDeps } from './deps.js';
import { gravatarUrl } from './rules/gravatar.js';
import type { ValidatedSignUpOptions } from './rules/sign-up-options.js';
import { validateSignUpOptions, type SignUpOptionsInput } from './rules/sign-up-options.js';
import { issueSession, type Session } from './session.js';
import { newTicket, type NewTicket } from './rules/tickets.js';
import { sendEmail } from './emails.js';

/** V-OPTIONS with the live configuration. */
export function resolveSignUpOptions(deps: FlowDeps, options: SignUpOptionsInput | undefined, defaultDisplayName: string): ValidatedSignUpOptions {
  const { signUp, server } = deps.config;
  return validateSignUpOptions(options, {
    defaultDisplayName,
    config: {
      clientUrl: server.clientUrl,
      redirectAllowList: deps.redirects,
      defaultRole: signUp.defaultRole,
      defaultAllowedRoles: [...signUp.defaultAllowedRoles],
      localeDefault: signUp.localeDefault,
      allowedLocales: [...signUp.allowedLocales],
    },
  });
}

export interface AccountInput {
  id?: string;
  /** Null for provider users without an address. */
  email: string | null;
  /** The address is already verified (a provider vouched for it); default false. */
  emailVerified?: boolean;
  /** Instead of the Gravatar URL (a provider's picture). */
  avatarUrl?: string;
  passwordHash: string | null;
  options: ValidatedSignUpOptions;
  /** Whether this flow wants the e-mail verified before a session (S-SIGNUP's `V`). */
  wantsVerification: boolean;
  /** Flow-specific rows written in the same transaction (security key, provider link…). */
  insertExtras?: (tx: Queryable, user: UserRow) => Promise<void>;
  /** Never a session, whatever the configuration (magic link, e-mail code). */
  isWithoutSession?: boolean;
  /** The flow's own ticket (a magic link's), stored instead of the verification ticket. */
  ticket?: NewTicket;
  /**
   * Sends the flow's e-mail for a user created without a session (not when new users start
   * disabled). Runs inside the creating transaction, so a delivery failure creates nothing and the
   * same sign-up can simply be tried again.
   */
  deliver?: (tx: Queryable, user: UserRow, ticket: string | null) => Promise<void>;
}

/**
 * The usual `deliver` of a sign-up: the `email-verify` message carrying the verification ticket to
 * `email` (nothing when no ticket was issued or there is no address).
 */
export function verifyEmailDelivery(
  deps: FlowDeps,
  email: string | null,
  options: ValidatedSignUpOptions,
  codeChallenge: string | undefined,
): NonNullable<AccountInput['deliver']> {
  return async (_tx, _user, ticket) => {
    if (ticket === null || email === null) return;
    await sendEmail(deps, {
      template: 'email-verify',
      to: email,
      locale: options.locale,
      displayName: options.displayName,
      email,
      ticket,
      redirectTo: options.redirectTo,
      link: { type: 'emailVerify', codeChallenge },
    });
  };
}

export type AccountResult = { session: Session; user: UserRow } | { session: null; user: UserRow; ticket: string | null };

/** S-SIGNUP (API.md §1.12.8): creates the user, with a session unless verification must come first. */
export async function createAccount(deps: FlowDeps, input: AccountInput): Promise<AccountResult> {
  const { signUp } = deps.config;
  if (signUp.disableSignup) throw new AuthError('signup-disabled');
  const now = deps.clock.now();
  const needsVerification = input.wantsVerification && signUp.emailVerifiedRequired;
  const withoutSession = input.isWithoutSession === true || needsVerification || signUp.disableNewUsers;
  const issued = input.ticket ?? (needsVerification ? newTicket('verifyEmail', deps.random.uuid(), now) : null);
  const ticket = issued?.ticket ?? null;
  const newUser: NewUser = {
    id: input.id ?? deps.random.uuid(),
    email: input.email,
    passwordHash: input.passwordHash,
    displayName: input.options.displayName,
    avatarUrl: input.avatarUrl || (input.email === null ? '' : gravatarUrl(input.email, deps.config.gravatar)),
    locale: input.options.locale,
    defaultRole: input.options.defaultRole,
    metadata: input.options.metadata ?? null,
    isAnonymous: false,
    disabled: signUp.disableNewUsers,
    emailVerified: input.emailVerified ?? false,
    ticket,
    ticketExpiresAt: issued?.expiresAt ?? now,
    lastSeen: withoutSession ? null : now,
    now,
  };
  try {
    return await deps.db.transaction(async (tx) => {
      const user = await insertUser(tx, newUser);
      await insertUserRoles(tx, user.id, input.options.allowedRoles, now);
      await input.insertExtras?.(tx, user);
      if (withoutSession) {
        // AUTH_DISABLE_NEW_USERS: the disabled user stays created and gets no e-mail (API.md §1.12.8).
        if (!signUp.disableNewUsers) await input.deliver?.(tx, user, ticket);
        return { session: null, user, ticket };
      }
      // Sign-up session: roles are exactly the effective allowedRoles (API.md §1.12.7).
      const session = await issueSession(deps, tx, user, { roles: [...input.options.allowedRoles] });
      return { session, user };
    }).then((result) => {
      if (signUp.disableNewUsers) throw new AuthError('disabled-user');
      return result;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AuthError('email-already-in-use', { cause: err });
    throw err;
  }
}

import { AuthError } from '../errors.js';
import { isUniqueViolation, type Queryable } from '../store/db.js';
import { insertUserRoles } from '../store/user-roles.js';
import { insertUser, type NewUser, type UserRow } from '../store/users.js';
import type { FlowDeps } from './deps.js';
import { gravatarUrl } from './rules/gravatar.js';
import type { ValidatedSignUpOptions } from './rules/sign-up-options.js';
import { validateSignUpOptions, type SignUpOptionsInput } from './rules/sign-up-options.js';
import { issueSession, type Session } from './session.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** verifyEmail tickets live 30 days (API.md §1.12.6). */
export const VERIFY_EMAIL_TICKET_TTL_MS = 30 * DAY_MS;

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
  email: string;
  passwordHash: string | null;
  options: ValidatedSignUpOptions;
  /** Whether this flow wants the e-mail verified before a session (S-SIGNUP's `V`). */
  wantsVerification: boolean;
  /** Flow-specific rows written in the same transaction (security key, provider link…). */
  insertExtras?: (tx: Queryable, user: UserRow) => Promise<void>;
}

export type AccountResult = { session: Session; user: UserRow } | { session: null; user: UserRow; ticket: string | null };

/** S-SIGNUP (API.md §1.12.8): creates the user, with a session unless verification must come first. */
export async function createAccount(deps: FlowDeps, input: AccountInput): Promise<AccountResult> {
  const { signUp } = deps.config;
  if (signUp.disableSignup) throw new AuthError('signup-disabled');
  const now = deps.clock.now();
  const needsVerification = input.wantsVerification && signUp.emailVerifiedRequired;
  const withoutSession = needsVerification || signUp.disableNewUsers;
  const ticket = needsVerification ? `verifyEmail:${deps.random.uuid()}` : null;
  const newUser: NewUser = {
    id: input.id ?? deps.random.uuid(),
    email: input.email,
    passwordHash: input.passwordHash,
    displayName: input.options.displayName,
    avatarUrl: gravatarUrl(input.email, deps.config.gravatar),
    locale: input.options.locale,
    defaultRole: input.options.defaultRole,
    metadata: input.options.metadata ?? null,
    isAnonymous: false,
    disabled: signUp.disableNewUsers,
    emailVerified: false,
    ticket,
    ticketExpiresAt: ticket ? new Date(now.getTime() + VERIFY_EMAIL_TICKET_TTL_MS) : now,
    lastSeen: withoutSession ? null : now,
    now,
  };
  try {
    return await deps.db.transaction(async (tx) => {
      const user = await insertUser(tx, newUser);
      await insertUserRoles(tx, user.id, input.options.allowedRoles, now);
      await input.insertExtras?.(tx, user);
      if (withoutSession) return { session: null, user, ticket };
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

import { AuthError } from '../errors.js';
import { findUserById, type UserRow } from '../store/users.js';
import type { Queryable } from '../store/db.js';
import type { FlowDeps } from './deps.js';
import { assertUserCanSignIn, findUserStateError, type UserCheckVariant, type UserStateErrorCode } from './rules/user-state.js';
import { isEmailAllowed } from './rules/email-access.js';

/** V-USER (API.md §1.12.1) with the live configuration. */
export function checkUser(deps: FlowDeps, user: UserRow, variant: UserCheckVariant = 'standard'): void {
  assertUserCanSignIn(user, { accessControl: deps.config.accessControl, emailVerifiedRequired: deps.config.signUp.emailVerifiedRequired }, variant);
}

/**
 * V-USER where an unverified address is no obstacle: the flows whose link verifies it (magic link,
 * e-mail code, `GET /verify` for verification and magic-link tickets, resending the verification).
 */
export function checkUserIgnoringUnverified(deps: FlowDeps, user: UserRow): void {
  const code = userStateError(deps, user, { isUnverifiedAllowed: true });
  if (code !== null) throw new AuthError(code);
}

/** The first failing V-USER check without throwing, or null. */
export function userStateError(deps: FlowDeps, user: UserRow, options: { isUnverifiedAllowed?: boolean } = {}): UserStateErrorCode | null {
  const emailVerifiedRequired = deps.config.signUp.emailVerifiedRequired && options.isUnverifiedAllowed !== true;
  return findUserStateError(user, { accessControl: deps.config.accessControl, emailVerifiedRequired }, 'standard');
}

export function isEmailAccepted(deps: FlowDeps, email: string): boolean {
  return isEmailAllowed(deps.config.accessControl, email);
}

/** *User by token* (API.md §1.12.1): no row → invalid-email-password; then V-USER. */
export async function loadCheckedUser(deps: FlowDeps, db: Queryable, userId: string): Promise<UserRow> {
  const user = await findUserById(db, userId);
  if (!user) throw new AuthError('invalid-email-password');
  checkUser(deps, user);
  return user;
}

const UUID = /\b[0-9a-f]{8}\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\b[0-9a-f]{12}\b/;

/** The `x-hasura-user-id` claim, which must hold a UUID (API.md §3.6.2 step 2). */
export function hasuraUserIdOf(claim: string | undefined): string {
  const match = claim === undefined ? null : UUID.exec(claim);
  if (!match || match[0] !== claim) throw new AuthError('invalid-request');
  return claim;
}

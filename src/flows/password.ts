import { AuthError } from '../errors.js';
import { deleteRegularRefreshTokensByUserId } from '../store/refresh-tokens.js';
import { updateUserConsumeTicket, updateUserPasswordHash } from '../store/users.js';
import type { AuthContext } from './auth-context.js';
import type { FlowDeps } from './deps.js';
import { checkUser, hasuraUserIdOf, loadCheckedUser } from './user-checks.js';

/** V-PASSWORD (API.md §1.12.2). The minimum counts UTF-8 bytes, as the reference does. */
export async function validatePassword(deps: FlowDeps, password: string): Promise<void> {
  if (Buffer.byteLength(password, 'utf8') < deps.config.password.minLength) throw new AuthError('password-too-short');
  if (deps.config.password.hibpEnabled && deps.passwordBreachCheck) {
    let isBreached: boolean;
    try {
      isBreached = await deps.passwordBreachCheck(password);
    } catch (err) {
      throw new AuthError('internal-server-error', { cause: err });
    }
    if (isBreached) throw new AuthError('password-in-hibp-database');
  }
}

export interface ChangePasswordInput {
  newPassword: string;
  ticket?: string | undefined;
  /** Set when the security stage accepted the bearer token (authenticated mode). */
  auth: AuthContext | null;
}

/**
 * `POST /user/password` (API.md §3.6.5). Beyond the reference, a new password revokes the
 * user's other sessions: after a change the caller's own session stays, after a reset none does,
 * since whoever held the old password may hold a refresh token too. PATs are API credentials
 * the user manages explicitly, so they are kept.
 */
export async function changePassword(deps: FlowDeps, input: ChangePasswordInput): Promise<void> {
  if (input.auth) {
    const userId = hasuraUserIdOf(input.auth.hasuraUserId);
    const user = await loadCheckedUser(deps, deps.db, userId);
    await validatePassword(deps, input.newPassword);
    const hash = await deps.hasher.hash(input.newPassword);
    await deps.db.transaction(async (tx) => {
      await updateUserPasswordHash(tx, user.id, hash);
      await deleteRegularRefreshTokensByUserId(tx, user.id, input.auth?.sessionId ?? null);
    });
    return;
  }
  if (input.ticket === undefined) throw new AuthError('invalid-request');
  // The ticket is spent before the user checks and the password rules, as in the reference.
  const user = await updateUserConsumeTicket(deps.db, input.ticket, 'passwordReset:', deps.clock.now());
  if (!user) throw new AuthError('invalid-ticket');
  checkUser(deps, user);
  await validatePassword(deps, input.newPassword);
  const hash = await deps.hasher.hash(input.newPassword);
  await deps.db.transaction(async (tx) => {
    await updateUserPasswordHash(tx, user.id, hash);
    await deleteRegularRefreshTokensByUserId(tx, user.id, null);
  });
}

import { AuthError } from '../errors.js';
import { findUserByEmail, updateUserTicket } from '../store/users.js';
import type { FlowDeps } from './deps.js';
import { checkClaimedAttempt, claimAttempt, recordSuccess } from './lockout.js';
import { issueSession, type Session } from './session.js';
import { checkUser } from './user-checks.js';
import { newTicket } from './rules/tickets.js';

export type SignInResult = { session: Session } | { mfa: { ticket: string } };

/**
 * `POST /signin/email-password` (API.md §3.3.1). The password is compared before any decision,
 * so an unknown e-mail (compared against a dummy hash), a known one and a wrong password cost the
 * same bcrypt work and all answer `invalid-email-password`. Unlike the reference (Appendix A #2),
 * account-state errors (disabled, unverified, anonymous) are only told to a caller who knows the
 * password: otherwise they would reveal that the account exists. A locked e-mail (too many wrong
 * passwords, known account or not) answers the same, after the same bcrypt work.
 */
export async function signInWithEmailPassword(deps: FlowDeps, input: { email: string; password: string }): Promise<SignInResult> {
  const user = await findUserByEmail(deps.db, input.email);
  const isAllowed = await claimAttempt(deps, 'password', input.email);
  const verify = () => deps.hasher.verify(input.password, user?.passwordHash);
  const isPasswordCorrect = await (isAllowed ? checkClaimedAttempt(deps, 'password', input.email, verify) : verify());
  if (!isAllowed || !user || !isPasswordCorrect) throw new AuthError('invalid-email-password');
  await recordSuccess(deps, 'password', input.email);
  checkUser(deps, user);
  if (user.activeMfaType === 'totp') {
    const { ticket, expiresAt } = newTicket('mfaTotp', deps.random.uuid(), deps.clock.now());
    await updateUserTicket(deps.db, user.id, ticket, expiresAt);
    return { mfa: { ticket } };
  }
  const session = await deps.db.transaction((tx) => issueSession(deps, tx, user));
  return { session };
}

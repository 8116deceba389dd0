import { PasswordQueueFullError } from '../adapters/password/password-hasher.js';
import { deleteLockout, releaseLockoutAttempt, upsertLockoutAttempt } from '../store/lockouts.js';
import type { Queryable } from '../store/db.js';
import type { FlowDeps } from './deps.js';

/** What is being guessed. Each kind has its own streak per account. */
export type LockoutKind = 'password' | 'email-otp' | 'totp' | 'sms-otp';

/** A streak with no new attempt for a day (or twice the longest lock) is forgotten. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

function accountKey(account: string): string {
  return account.trim().toLowerCase();
}

/**
 * Per-account lockout with progressive delay (AUTH_LOCKOUT_MAX_FAILURES, _DELAY, _MAX_DELAY),
 * on top of the per-IP rate limit, which a distributed guesser spreads over many addresses.
 *
 * Usage, for any secret a caller guesses (password, e-mail code, TOTP, SMS code):
 *   const isAllowed = await claimAttempt(deps, 'totp', userId);
 *   const isCorrect = isAllowed && (await checkTheCode());   // or check anyway for equal cost
 *   if (!isCorrect) throw new AuthError('invalid-totp');       // locked and wrong: same answer
 *   await recordSuccess(deps, 'totp', userId);
 *
 * The attempt is counted before the answer is checked (a success then clears it), so however many
 * arrive at once, at most AUTH_LOCKOUT_MAX_FAILURES are checked before the lock. The count lives
 * in the database, shared by every instance and kept across restarts (the rate-limit store may be
 * per-instance memory). Key by what the caller submits (e.g. the e-mail, known or not), so an
 * unknown account behaves like a known one.
 */
export async function claimAttempt(deps: FlowDeps, kind: LockoutKind, account: string, db: Queryable = deps.db): Promise<boolean> {
  const { maxFailures, delayMs, maxDelayMs } = deps.config.lockout;
  if (maxFailures === 0) return true;
  const policy = { maxFailures, delayMs, maxDelayMs, forgetAfterMs: Math.max(FORGET_AFTER_MS, 2 * maxDelayMs) };
  return upsertLockoutAttempt(db, kind, accountKey(account), deps.clock.now(), policy);
}

/** The secret was right: the streak and any lock end. Pass the open transaction as `db`, if any. */
export async function recordSuccess(deps: FlowDeps, kind: LockoutKind, account: string, db: Queryable = deps.db): Promise<void> {
  if (deps.config.lockout.maxFailures === 0) return;
  await deleteLockout(db, kind, accountKey(account));
}

/**
 * Runs the check of a claimed attempt. When the password-hash queue sheds the check (429), the
 * secret was never compared: the attempt is taken back, so a busy server cannot lock its users out.
 */
export async function checkClaimedAttempt<T>(deps: FlowDeps, kind: LockoutKind, account: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof PasswordQueueFullError && deps.config.lockout.maxFailures !== 0) {
      await releaseLockoutAttempt(deps.db, kind, accountKey(account));
    }
    throw err;
  }
}

import type { Logger } from 'pino';
import { openSecret, sealSecret } from '../adapters/crypto/secret-box.js';
import { qrCodeDataUrl } from '../adapters/totp/qr-code.js';
import { TOTP_SECRET_BYTES, encodeTotpSecret, isTotpCodeValid, totpKeyUri } from '../adapters/totp/totp.js';
import { AuthError, type ErrorCode } from '../errors.js';
import type { Queryable } from '../store/db.js';
import {
  deleteMfaAttemptsByUserId,
  findMfaAttemptsByUserId,
  findPlainTotpSecrets,
  findUserIdByMfaTicketForUpdate,
  updateMfaAttempts,
  updateUserActiveMfaType,
  updateUserSpendTicket,
  updateUserTotpSecret,
  updateUserTotpSecretIfUnchanged,
} from '../store/user-totp.js';
import { findUserById, type UserRow } from '../store/users.js';
import type { AuthContext } from './auth-context.js';
import type { FlowDeps } from './deps.js';
import { claimAttempt, recordSuccess } from './lockout.js';
import { afterWrongCode, isMfaLocked } from './rules/mfa-attempts.js';
import { issueSession, type Session } from './session.js';
import { loadCheckedUser, userStateError } from './user-checks.js';

/** Sealed secrets are hex of at least 28 bytes; anything shorter was stored in clear (SCHEMA-NEWER.md §4.6). */
const SEALED_SECRET_MIN_LENGTH = 64;

/** The base32 secret of a stored value, sealed or (written by an older Nhost Auth) in clear. */
function storedTotpSecret(deps: FlowDeps, stored: string): string {
  if (stored.length < SEALED_SECRET_MIN_LENGTH) return stored;
  try {
    return openSecret(deps.encryptionKey, stored);
  } catch (err) {
    // A changed AUTH_ENCRYPTION_KEY: our fault, not the caller's (SCHEMA-NEWER.md §4.6).
    throw new AuthError('internal-server-error', { cause: err });
  }
}

function isCodeOfUser(deps: FlowDeps, totpSecret: string, code: string): boolean {
  return isTotpCodeValid(storedTotpSecret(deps, totpSecret), code, deps.clock.now());
}

function assertMfaEnabled(deps: FlowDeps): void {
  if (!deps.config.mfa.enabled) throw new AuthError('disabled-endpoint');
}

export interface TotpEnrolment {
  imageUrl: string;
  totpSecret: string;
}

/**
 * `GET /mfa/totp/generate` (API.md §3.7.1): a new secret replaces the stored one, sealed with
 * AUTH_ENCRYPTION_KEY. The elevation that re-keying an active factor needs is checked before,
 * at the security stage (`isElevationSatisfied`).
 */
export async function generateTotpSecret(deps: FlowDeps, auth: AuthContext): Promise<TotpEnrolment> {
  assertMfaEnabled(deps);
  const user = await loadCheckedUser(deps, deps.db, auth.userId);
  const account = user.email || user.displayName || user.id;
  const totpSecret = encodeTotpSecret(deps.random.bytes(TOTP_SECRET_BYTES));
  const imageUrl = await qrCodeDataUrl(totpKeyUri({ issuer: deps.config.mfa.totpIssuer, account, secretBase32: totpSecret }));
  await updateUserTotpSecret(deps.db, user.id, sealSecret(deps.encryptionKey, totpSecret));
  return { imageUrl, totpSecret };
}

/** `POST /user/mfa` (API.md §3.7.2): `totp` activates, `""` or nothing deactivates; both need a current code. */
export async function changeActiveMfa(deps: FlowDeps, auth: AuthContext, input: { code: string; activeMfaType?: 'totp' | '' | undefined }): Promise<void> {
  assertMfaEnabled(deps);
  const user = await loadCheckedUser(deps, deps.db, auth.userId);
  const isActivation = input.activeMfaType === 'totp';
  if (isActivation && user.activeMfaType === 'totp') throw new AuthError('totp-already-active');
  if (!isActivation && user.activeMfaType !== 'totp') throw new AuthError('disabled-mfa-totp');
  if (!user.totpSecret) throw new AuthError('no-totp-secret');
  // The account lockout covers these codes too, on the same streak as sign-in: a stolen access
  // token must not buy unlimited guesses at the code that turns the second factor off. While
  // locked, the right code answers as a wrong one.
  const isAllowed = await claimAttempt(deps, 'totp', user.id);
  if (!isAllowed || !isCodeOfUser(deps, user.totpSecret, input.code)) throw new AuthError('invalid-totp');
  await recordSuccess(deps, 'totp', user.id);
  // The secret is kept on deactivation, as in the reference.
  await updateUserActiveMfaType(deps.db, user.id, isActivation ? 'totp' : null);
}

type MfaSignInOutcome = { session: Session } | { refusal: ErrorCode };

/**
 * `POST /signin/mfa/totp` (API.md §3.3.2), in the reference's order: ticket, V-USER, active TOTP,
 * secret, code. Codes are not remembered, so a code may be used again within its window (the
 * reference's own suite does so).
 *
 * Deliberate differences (README decision: one-time codes have an attempt limit):
 * - A wrong code leaves the ticket usable, instead of spending it, until the user's
 *   AUTH_OTP_MAX_ATTEMPTS-th wrong code in the attempt window (`rules/mfa-attempts.ts`), which
 *   spends it.
 * - While the user is over the limit, every code (right or wrong, with any ticket) answers
 *   `invalid-totp`, as a wrong code does, and spends the ticket: a new password sign-in buys no
 *   new guesses.
 * Every other refusal after the ticket was found spends it, as in the reference. The row lock
 * taken with the ticket makes concurrent guesses count one by one.
 */
export async function signInWithTotp(deps: FlowDeps, input: { ticket: string; otp: string }): Promise<Session> {
  assertMfaEnabled(deps);
  const now = deps.clock.now();
  // Refusals are returned, not thrown, so that spending the ticket and counting the code commit.
  const outcome = await deps.db.transaction(async (tx): Promise<MfaSignInOutcome> => {
    const userId = await findUserIdByMfaTicketForUpdate(tx, input.ticket, now);
    const user = userId === null ? null : await findUserById(tx, userId);
    if (!user) return { refusal: 'invalid-ticket' };
    const spend = () => updateUserSpendTicket(tx, user.id, input.ticket, now);
    const refusal = mfaStateRefusal(deps, user);
    if (refusal !== null) {
      await spend();
      return { refusal };
    }
    const maxAttempts = deps.config.otp.maxAttempts;
    const attempts = await findMfaAttemptsByUserId(tx, user.id);
    // Two limits: the ticket's attempt window, and the account lockout's progressive delay
    // (AUTH_LOCKOUT_*), which outlasts the window for a guesser who keeps coming back.
    const isAllowedByLockout = await claimAttempt(deps, 'totp', user.id, tx);
    if (!isAllowedByLockout || isMfaLocked(attempts, now, maxAttempts)) {
      await spend();
      return { refusal: 'invalid-totp' };
    }
    if (!isCodeOfUser(deps, user.totpSecret!, input.otp)) {
      const next = afterWrongCode(attempts, now);
      await updateMfaAttempts(tx, user.id, next);
      if (next.failedAttempts >= maxAttempts) await spend();
      return { refusal: 'invalid-totp' };
    }
    await spend();
    await deleteMfaAttemptsByUserId(tx, user.id);
    await recordSuccess(deps, 'totp', user.id, tx);
    return { session: await issueSession(deps, tx, user) };
  });
  if ('refusal' in outcome) throw new AuthError(outcome.refusal);
  return outcome.session;
}

/** V-USER, then TOTP active with a stored secret (API.md §3.3.2 steps 2–4). */
function mfaStateRefusal(deps: FlowDeps, user: UserRow): ErrorCode | null {
  const stateError = userStateError(deps, user);
  if (stateError !== null) return stateError;
  if (user.activeMfaType !== 'totp') return 'disabled-mfa-totp';
  if (!user.totpSecret) return 'no-totp-secret';
  return null;
}

/**
 * Start-up step after the migrations (SCHEMA-NEWER.md §2.4, §4.6): secrets that an older Nhost
 * Auth stored in clear are sealed in place. Reading accepts both forms anyway, so a row missed
 * here (changed meanwhile) still works.
 */
export async function encryptLegacyTotpSecrets(db: Queryable, encryptionKey: Buffer, log: Logger): Promise<number> {
  let sealed = 0;
  for (const row of await findPlainTotpSecrets(db)) {
    if (await updateUserTotpSecretIfUnchanged(db, row.id, row.totpSecret, sealSecret(encryptionKey, row.totpSecret))) sealed++;
  }
  if (sealed > 0) log.info({ count: sealed }, 'encrypted TOTP secrets that were stored in clear');
  return sealed;
}

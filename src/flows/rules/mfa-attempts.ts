/**
 * The attempt limit of TOTP at sign-in (README decision: one-time codes have an attempt limit; a
 * burned code stays burned). Wrong codes are counted per user, not per ticket, in a window that
 * opens with the first wrong code: signing in with the password again yields a new ticket but no
 * new attempts. Once `maxAttempts` wrong codes fall in the window, MFA sign-in refuses every code
 * until the window closes. The window lasts as long as an MFA ticket, so the lock is short and a
 * password thief cannot keep the owner out for long, while guessing is held to `maxAttempts` codes
 * per window per account, whatever the number of IP addresses.
 */

/** As long as an `mfaTotp:` ticket lives (API.md §1.12.6). */
export const MFA_ATTEMPT_WINDOW_MS = 5 * 60 * 1000;

/** The stored count of wrong codes; null when there is none. */
export interface MfaAttempts {
  failedAttempts: number;
  windowStartedAt: Date;
}

function isWindowOpen(attempts: MfaAttempts | null, now: Date): attempts is MfaAttempts {
  return attempts !== null && now.getTime() - attempts.windowStartedAt.getTime() < MFA_ATTEMPT_WINDOW_MS;
}

/** Whether the user has used up the wrong codes of the current window. */
export function isMfaLocked(attempts: MfaAttempts | null, now: Date, maxAttempts: number): boolean {
  return isWindowOpen(attempts, now) && attempts.failedAttempts >= maxAttempts;
}

/** The count after one more wrong code: a closed window starts over from this code. */
export function afterWrongCode(attempts: MfaAttempts | null, now: Date): MfaAttempts {
  if (!isWindowOpen(attempts, now)) return { failedAttempts: 1, windowStartedAt: now };
  return { failedAttempts: attempts.failedAttempts + 1, windowStartedAt: attempts.windowStartedAt };
}

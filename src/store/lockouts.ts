import type { Queryable } from './db.js';

/** The lockout rule for one claim (AUTH_LOCKOUT_*). */
export interface LockoutPolicy {
  maxFailures: number;
  delayMs: number;
  maxDelayMs: number;
  /** A streak older than this is forgotten: the next attempt starts again from one. */
  forgetAfterMs: number;
}

/**
 * Counts one attempt for (kind, account) unless the account is locked, in one statement: the
 * upsert's row lock serialises simultaneous attempts, so N of them count N. The attempt that
 * reaches `maxFailures` locks the account for `delayMs`, each further one (once the lock has
 * passed) for twice the previous delay, up to `maxDelayMs`. Returns false while locked (nothing
 * is counted then, so a lock ends when announced).
 */
export async function upsertLockoutAttempt(db: Queryable, kind: string, account: string, now: Date, policy: LockoutPolicy): Promise<boolean> {
  const streak = `CASE WHEN l.last_failure_at < $3::timestamptz - $6 * interval '1 millisecond' THEN 1 ELSE l.failures + 1 END`;
  const lockFor = (failures: string) =>
    `CASE WHEN ${failures} >= $4 THEN $3::timestamptz + LEAST($5 * power(2, ${failures} - $4), $7) * interval '1 millisecond' END`;
  const r = await db.query(
    `INSERT INTO latchkey.lockouts AS l (kind, account, failures, last_failure_at, locked_until)
     VALUES ($1, $2, 1, $3, ${lockFor('1')})
     ON CONFLICT (kind, account) DO UPDATE SET
       failures = ${streak},
       last_failure_at = $3,
       locked_until = ${lockFor(streak)}
     WHERE l.locked_until IS NULL OR l.locked_until <= $3
     RETURNING failures, (xmax = 0) AS inserted`,
    [kind, account, now, policy.maxFailures, policy.delayMs, policy.forgetAfterMs, policy.maxDelayMs],
  );
  const row = r.rows[0] as { inserted: boolean } | undefined;
  // The table grows only here, by a new (kind, account): forget the streaks nobody has continued
  // for `forgetAfterMs` (past any lock, which is at most half that), so guesses at many e-mails
  // do not pile up rows.
  if (row?.inserted) {
    await db.query(`DELETE FROM latchkey.lockouts WHERE last_failure_at < $1::timestamptz - $2 * interval '1 millisecond'`, [now, policy.forgetAfterMs]);
  }
  return row !== undefined;
}

/**
 * Takes back one attempt whose answer was never checked (the password-hash queue shed it with
 * 429). The claim succeeded, so the account was not locked before it: any lock it set goes too.
 */
export async function releaseLockoutAttempt(db: Queryable, kind: string, account: string): Promise<void> {
  await db.query(
    `UPDATE latchkey.lockouts SET failures = GREATEST(failures - 1, 0), locked_until = NULL
     WHERE kind = $1 AND account = $2`,
    [kind, account],
  );
}

/** A success ends the streak and any lock. */
export async function deleteLockout(db: Queryable, kind: string, account: string): Promise<void> {
  await db.query('DELETE FROM latchkey.lockouts WHERE kind = $1 AND account = $2', [kind, account]);
}

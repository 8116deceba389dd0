import type { Queryable } from './db.js';

/**
 * The TOTP columns of `auth.users` (`totp_secret`, `active_mfa_type`, the `mfaTotp:` ticket) and
 * Latchkey's count of wrong TOTP codes at sign-in (`latchkey.mfa_totp_attempts`).
 */

/** Replaces the stored (sealed) secret; `active_mfa_type` is left alone (API.md §3.7.1). */
export async function updateUserTotpSecret(db: Queryable, id: string, totpSecret: string): Promise<void> {
  await db.query('UPDATE auth.users SET totp_secret = $2 WHERE id = $1', [id, totpSecret]);
}

/** `'totp'` or NULL; the column's check constraint allows nothing else. */
export async function updateUserActiveMfaType(db: Queryable, id: string, activeMfaType: 'totp' | null): Promise<void> {
  await db.query('UPDATE auth.users SET active_mfa_type = $2 WHERE id = $1', [id, activeMfaType]);
}

export async function findActiveMfaTypeByUserId(db: Queryable, id: string): Promise<string | null> {
  const r = await db.query<{ active_mfa_type: string | null }>('SELECT active_mfa_type FROM auth.users WHERE id = $1', [id]);
  return r.rows[0]?.active_mfa_type ?? null;
}

/**
 * The owner of a live `mfaTotp:` ticket, with the row locked until the transaction ends, so that
 * concurrent guesses with one ticket are judged and counted one after the other.
 */
export async function findUserIdByMfaTicketForUpdate(db: Queryable, ticket: string, now: Date): Promise<string | null> {
  if (!ticket.startsWith('mfaTotp:')) return null;
  const r = await db.query<{ id: string }>(
    'SELECT id FROM auth.users WHERE ticket = $1 AND ticket_expires_at > $2 FOR UPDATE',
    [ticket, now],
  );
  return r.rows[0]?.id ?? null;
}

/** Spends the ticket as consuming it would (TOKENS.md §9.3): `ticket = NULL, ticket_expires_at = now`. */
export async function updateUserSpendTicket(db: Queryable, id: string, ticket: string, now: Date): Promise<void> {
  await db.query('UPDATE auth.users SET ticket = NULL, ticket_expires_at = $3 WHERE id = $1 AND ticket = $2', [id, ticket, now]);
}

/** Wrong TOTP codes at sign-in in the current window. */
export interface MfaAttemptsRow {
  failedAttempts: number;
  windowStartedAt: Date;
}

export async function findMfaAttemptsByUserId(db: Queryable, userId: string): Promise<MfaAttemptsRow | null> {
  const r = await db.query<{ failed_attempts: number; window_started_at: Date }>(
    'SELECT failed_attempts, window_started_at FROM latchkey.mfa_totp_attempts WHERE user_id = $1',
    [userId],
  );
  const row = r.rows[0];
  return row ? { failedAttempts: row.failed_attempts, windowStartedAt: new Date(row.window_started_at) } : null;
}

export async function updateMfaAttempts(db: Queryable, userId: string, attempts: MfaAttemptsRow): Promise<void> {
  await db.query(
    `INSERT INTO latchkey.mfa_totp_attempts (user_id, failed_attempts, window_started_at) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO UPDATE SET failed_attempts = EXCLUDED.failed_attempts, window_started_at = EXCLUDED.window_started_at`,
    [userId, attempts.failedAttempts, attempts.windowStartedAt],
  );
}

export async function deleteMfaAttemptsByUserId(db: Queryable, userId: string): Promise<void> {
  await db.query('DELETE FROM latchkey.mfa_totp_attempts WHERE user_id = $1', [userId]);
}

/** Secrets stored in clear by older Nhost Auth versions: shorter than 64 characters (SCHEMA-NEWER.md §4.6). */
export async function findPlainTotpSecrets(db: Queryable): Promise<{ id: string; totpSecret: string }[]> {
  const r = await db.query<{ id: string; totp_secret: string }>(
    "SELECT id, totp_secret FROM auth.users WHERE totp_secret IS NOT NULL AND totp_secret <> '' AND length(totp_secret) < 64",
  );
  return r.rows.map((row) => ({ id: row.id, totpSecret: row.totp_secret }));
}

/**
 * Replaces a clear secret by its sealed form, only if it is still the value that was read: another
 * instance starting at the same moment, or a user generating a new secret, must not be overwritten.
 */
export async function updateUserTotpSecretIfUnchanged(db: Queryable, id: string, plain: string, sealed: string): Promise<boolean> {
  const r = await db.query('UPDATE auth.users SET totp_secret = $3 WHERE id = $1 AND totp_secret = $2', [id, plain, sealed]);
  return (r.rowCount ?? 0) > 0;
}

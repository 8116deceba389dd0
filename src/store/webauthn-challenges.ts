import type { Queryable } from './db.js';

/** The four WebAuthn ceremonies; a challenge only finishes the ceremony it was issued for. */
export type WebauthnCeremony = 'signup' | 'signin' | 'add-key' | 'elevate';

/** One row of `latchkey.webauthn_challenges` (migration latchkey/3). */
export interface WebauthnChallengeRow {
  challenge: string;
  ceremony: WebauthnCeremony;
  /** The user it was issued for; null for a discoverable sign-in. */
  userId: string | null;
  /** Sign-up only. */
  email: string | null;
  /** Sign-up only: the validated options, as JSON. */
  options: unknown;
  expiresAt: Date;
}

export async function insertWebauthnChallenge(db: Queryable, row: WebauthnChallengeRow, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO latchkey.webauthn_challenges (challenge, ceremony, user_id, email, options, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [row.challenge, row.ceremony, row.userId, row.email, row.options === null || row.options === undefined ? null : JSON.stringify(row.options), row.expiresAt, now],
  );
}

/**
 * Spends a challenge in one statement: it matches only while unexpired, for its own ceremony and,
 * when `userId` is given, only for that user, so a stranger cannot even burn someone else's
 * challenge. Null when nothing matched (unknown, expired, already used, or issued to another).
 */
export async function deleteWebauthnChallenge(
  db: Queryable,
  challenge: string,
  ceremony: WebauthnCeremony,
  now: Date,
  userId?: string,
): Promise<WebauthnChallengeRow | null> {
  const params: unknown[] = [challenge, ceremony, now];
  let userClause = '';
  if (userId !== undefined) {
    params.push(userId);
    userClause = ' AND user_id = $4';
  }
  const r = await db.query<{ challenge: string; ceremony: WebauthnCeremony; user_id: string | null; email: string | null; options: unknown; expires_at: Date }>(
    `DELETE FROM latchkey.webauthn_challenges
      WHERE challenge = $1 AND ceremony = $2 AND expires_at > $3${userClause}
      RETURNING challenge, ceremony, user_id, email, options, expires_at`,
    params,
  );
  const row = r.rows[0];
  if (!row) return null;
  const options = typeof row.options === 'string' ? JSON.parse(row.options) : row.options;
  return { challenge: row.challenge, ceremony: row.ceremony, userId: row.user_id, email: row.email, options, expiresAt: new Date(row.expires_at) };
}

/** Housekeeping: expired challenges can never be used; dropped whenever a new one is stored. */
export async function deleteExpiredWebauthnChallenges(db: Queryable, now: Date): Promise<void> {
  await db.query('DELETE FROM latchkey.webauthn_challenges WHERE expires_at <= $1', [now]);
}

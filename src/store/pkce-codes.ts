import type { Queryable } from './db.js';

/** One row of `auth.pkce_authorization_codes` (SCHEMA-NEWER.md, migration 21). */
export interface NewAuthorizationCode {
  userId: string;
  /** base64url(SHA-256(code)); the code itself is never stored. */
  codeHash: string;
  codeChallenge: string;
  redirectTo: string;
  expiresAt: Date;
  now: Date;
}

export async function insertAuthorizationCode(db: Queryable, c: NewAuthorizationCode): Promise<void> {
  await db.query(
    `INSERT INTO auth.pkce_authorization_codes (user_id, code_hash, code_challenge, redirect_to, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [c.userId, c.codeHash, c.codeChallenge, c.redirectTo, c.expiresAt, c.now],
  );
}

/**
 * Spends a code in one statement: only the pair (code, verifier's challenge) while unexpired
 * matches, so a wrong verifier leaves the code usable until it expires, as the newer reference does.
 */
export async function deleteAuthorizationCodeByHashAndChallenge(db: Queryable, codeHash: string, codeChallenge: string, now: Date): Promise<{ userId: string } | null> {
  const r = await db.query<{ user_id: string }>(
    `DELETE FROM auth.pkce_authorization_codes
      WHERE code_hash = $1 AND code_challenge = $2 AND expires_at > $3
      RETURNING user_id`,
    [codeHash, codeChallenge, now],
  );
  return r.rows[0] ? { userId: r.rows[0].user_id } : null;
}

/** Housekeeping: expired codes are useless; dropped whenever a new one is stored. */
export async function deleteExpiredAuthorizationCodes(db: Queryable, now: Date): Promise<void> {
  await db.query('DELETE FROM auth.pkce_authorization_codes WHERE expires_at <= $1', [now]);
}

import type { Queryable } from './db.js';

export type RefreshTokenType = 'regular' | 'pat';

export interface RefreshTokenRow {
  id: string;
  userId: string;
  type: RefreshTokenType;
  expiresAt: Date;
}

export interface NewRefreshToken {
  userId: string;
  tokenHash: string;
  type: RefreshTokenType;
  expiresAt: Date;
  metadata: unknown;
  now: Date;
}

export async function insertRefreshToken(db: Queryable, t: NewRefreshToken): Promise<string> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO auth.refresh_tokens (user_id, refresh_token_hash, type, expires_at, metadata, created_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING id`,
    [t.userId, t.tokenHash, t.type, t.expiresAt, t.metadata === undefined || t.metadata === null ? null : JSON.stringify(t.metadata), t.now],
  );
  return r.rows[0]!.id;
}

/** An unexpired token of the given type by its hash (the hash column is indexed, not unique). */
export async function findRefreshTokenByHash(db: Queryable, tokenHash: string, type: RefreshTokenType, now: Date): Promise<RefreshTokenRow | null> {
  const r = await db.query<{ id: string; user_id: string; type: RefreshTokenType; expires_at: Date }>(
    `SELECT id, user_id, type, expires_at FROM auth.refresh_tokens
      WHERE refresh_token_hash = $1 AND type = $2 AND expires_at > $3
      LIMIT 1`,
    [tokenHash, type, now],
  );
  const row = r.rows[0];
  return row ? { id: row.id, userId: row.user_id, type: row.type, expiresAt: new Date(row.expires_at) } : null;
}

/**
 * Rotation (TOKENS.md §6.2): swaps the hash on the row that still holds the presented one, with a
 * sliding expiry. False when another request rotated it first (row lock + re-check of the hash).
 */
export async function updateRefreshTokenRotate(db: Queryable, id: string, oldHash: string, newHash: string, expiresAt: Date): Promise<boolean> {
  const r = await db.query(
    `UPDATE auth.refresh_tokens SET refresh_token_hash = $3, expires_at = $4
      WHERE id = $1 AND refresh_token_hash = $2`,
    [id, oldHash, newHash, expiresAt],
  );
  return r.rowCount > 0;
}

export interface RefreshTokenRotation {
  refreshTokenId: string;
  nextTokenSealed: string;
  rotatedAt: Date;
}

/** Remembers a rotated-out hash (reuse detection), sealed so only its holder can read the successor. */
export async function insertRefreshTokenRotation(db: Queryable, oldHash: string, refreshTokenId: string, nextTokenSealed: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO latchkey.refresh_token_rotations (old_token_hash, refresh_token_id, next_token_sealed, rotated_at)
     VALUES ($1, $2, $3, $4) ON CONFLICT (old_token_hash) DO NOTHING`,
    [oldHash, refreshTokenId, nextTokenSealed, now],
  );
}

export async function findRefreshTokenRotationByHash(db: Queryable, oldHash: string): Promise<RefreshTokenRotation | null> {
  const r = await db.query<{ refresh_token_id: string; next_token_sealed: string; rotated_at: Date }>(
    'SELECT refresh_token_id, next_token_sealed, rotated_at FROM latchkey.refresh_token_rotations WHERE old_token_hash = $1',
    [oldHash],
  );
  const row = r.rows[0];
  return row ? { refreshTokenId: row.refresh_token_id, nextTokenSealed: row.next_token_sealed, rotatedAt: new Date(row.rotated_at) } : null;
}

/** Rotation records older than `before` cannot matter any more: the family they belong to has expired. */
export async function deleteRefreshTokenRotationsByIdBefore(db: Queryable, refreshTokenId: string, before: Date): Promise<void> {
  await db.query('DELETE FROM latchkey.refresh_token_rotations WHERE refresh_token_id = $1 AND rotated_at < $2', [refreshTokenId, before]);
}

/** Revokes one session family (its rotation records go with it by cascade). */
export async function deleteRefreshTokenById(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM auth.refresh_tokens WHERE id = $1', [id]);
}

/** Sign-out of one token: any type, any owner (API.md §3.4.3). */
export async function deleteRefreshTokensByHash(db: Queryable, tokenHash: string): Promise<number> {
  const r = await db.query('DELETE FROM auth.refresh_tokens WHERE refresh_token_hash = $1', [tokenHash]);
  return r.rowCount;
}

/** Sign-out everywhere: regular tokens and PATs alike. */
export async function deleteRefreshTokensByUserId(db: Queryable, userId: string): Promise<void> {
  await db.query('DELETE FROM auth.refresh_tokens WHERE user_id = $1', [userId]);
}

/** Revokes the user's sessions (regular tokens only), keeping `keepId` when given. */
export async function deleteRegularRefreshTokensByUserId(db: Queryable, userId: string, keepId: string | null): Promise<number> {
  const r = await db.query(
    `DELETE FROM auth.refresh_tokens WHERE user_id = $1 AND type = 'regular' AND ($2::uuid IS NULL OR id <> $2::uuid)`,
    [userId, keepId],
  );
  return r.rowCount;
}

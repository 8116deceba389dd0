import type { Queryable } from './db.js';

/** Whether the user has registered at least one WebAuthn credential. */
export async function hasSecurityKeysByUserId(db: Queryable, userId: string): Promise<boolean> {
  const r = await db.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM auth.user_security_keys WHERE user_id = $1) AS found',
    [userId],
  );
  return r.rows[0]?.found === true;
}

/** One row of `auth.user_security_keys` (SCHEMA.md §7). */
export interface SecurityKeyRow {
  id: string;
  userId: string;
  /** Unpadded base64url of the raw credential id. */
  credentialId: string;
  /** COSE_Key bytes; NULL is possible in old databases. */
  credentialPublicKey: Buffer | null;
  counter: number;
  transports: string;
  nickname: string | null;
}

interface SecurityKeyRecord {
  id: string;
  user_id: string;
  credential_id: string;
  credential_public_key: Buffer | Uint8Array | null;
  counter: string | number;
  transports: string;
  nickname: string | null;
}

const COLUMNS = 'id, user_id, credential_id, credential_public_key, counter, transports, nickname';

function toRow(r: SecurityKeyRecord): SecurityKeyRow {
  return {
    id: r.id,
    userId: r.user_id,
    credentialId: r.credential_id,
    credentialPublicKey: r.credential_public_key === null ? null : Buffer.from(r.credential_public_key),
    counter: Number(r.counter),
    transports: r.transports,
    nickname: r.nickname,
  };
}

export async function findSecurityKeysByUserId(db: Queryable, userId: string): Promise<SecurityKeyRow[]> {
  const r = await db.query<SecurityKeyRecord>(`SELECT ${COLUMNS} FROM auth.user_security_keys WHERE user_id = $1 ORDER BY credential_id`, [userId]);
  return r.rows.map(toRow);
}

export async function findSecurityKeyByUserIdAndCredentialId(db: Queryable, userId: string, credentialId: string): Promise<SecurityKeyRow | null> {
  const r = await db.query<SecurityKeyRecord>(`SELECT ${COLUMNS} FROM auth.user_security_keys WHERE user_id = $1 AND credential_id = $2`, [userId, credentialId]);
  return r.rows[0] ? toRow(r.rows[0]) : null;
}

export async function hasSecurityKeyByCredentialId(db: Queryable, credentialId: string): Promise<boolean> {
  const r = await db.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM auth.user_security_keys WHERE credential_id = $1) AS found', [credentialId]);
  return r.rows[0]?.found === true;
}

export interface NewSecurityKey {
  userId: string;
  credentialId: string;
  credentialPublicKey: Buffer;
  counter: number;
  nickname: string | null;
}

/** Stores a key and returns its id; a credential id already stored is a unique violation. */
export async function insertSecurityKey(db: Queryable, k: NewSecurityKey): Promise<string> {
  const r = await db.query<{ id: string }>(
    `INSERT INTO auth.user_security_keys (user_id, credential_id, credential_public_key, counter, nickname)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [k.userId, k.credentialId, k.credentialPublicKey, k.counter, k.nickname],
  );
  return r.rows[0]!.id;
}

/**
 * Records the signature counter of an assertion, only if it moved forward (or both are zero: an
 * authenticator that does not count). Compared in SQL, so two concurrent replays of one assertion
 * cannot both pass. False when the stored counter is already at or past `counter`.
 */
export async function updateSecurityKeyCounter(db: Queryable, id: string, counter: number): Promise<boolean> {
  const r = await db.query(
    `UPDATE auth.user_security_keys SET counter = $2
      WHERE id = $1 AND (counter < $2 OR (counter = 0 AND $2 = 0))`,
    [id, counter],
  );
  return r.rowCount === 1;
}

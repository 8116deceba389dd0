import type { Queryable } from './db.js';

/** One started provider sign-in (latchkey.oauth_states, migration latchkey/00005). */
export interface NewOAuthState {
  id: string;
  providerId: string;
  /** The flow's data, sealed with the encryption key. */
  flowSealed: string;
  expiresAt: Date;
  now: Date;
}

export async function insertOAuthState(db: Queryable, s: NewOAuthState): Promise<void> {
  await db.query(
    `INSERT INTO latchkey.oauth_states (id, provider_id, flow_sealed, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)`,
    [s.id, s.providerId, s.flowSealed, s.expiresAt, s.now],
  );
}

/** Spends the state in one statement: a second callback with the same state finds nothing. */
export async function deleteOAuthStateById(db: Queryable, id: string, providerId: string, now: Date): Promise<{ flowSealed: string } | null> {
  const r = await db.query<{ flow_sealed: string }>(
    `DELETE FROM latchkey.oauth_states WHERE id = $1 AND provider_id = $2 AND expires_at > $3 RETURNING flow_sealed`,
    [id, providerId, now],
  );
  const row = r.rows[0];
  return row ? { flowSealed: row.flow_sealed } : null;
}

/** Re-seals a started flow that learnt a provider secret after its state was signed (OAuth 1.0a). */
export async function updateOAuthStateFlowById(db: Queryable, id: string, flowSealed: string): Promise<void> {
  await db.query('UPDATE latchkey.oauth_states SET flow_sealed = $2 WHERE id = $1', [id, flowSealed]);
}

export async function deleteExpiredOAuthStates(db: Queryable, now: Date): Promise<void> {
  await db.query('DELETE FROM latchkey.oauth_states WHERE expires_at <= $1', [now]);
}

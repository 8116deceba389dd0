import type { Queryable } from './db.js';

/** Whether the user has registered at least one WebAuthn credential. */
export async function hasSecurityKeysByUserId(db: Queryable, userId: string): Promise<boolean> {
  const r = await db.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM auth.user_security_keys WHERE user_id = $1) AS found',
    [userId],
  );
  return r.rows[0]?.found === true;
}

import type { Queryable } from './db.js';

/** The constraint a second link of the same provider account hits. */
export const PROVIDER_ACCOUNT_KEY = 'user_providers_provider_id_provider_user_id_key';

export async function findUserIdByProviderAccount(db: Queryable, providerId: string, providerUserId: string): Promise<string | null> {
  const r = await db.query<{ user_id: string }>(
    'SELECT user_id FROM auth.user_providers WHERE provider_id = $1 AND provider_user_id = $2',
    [providerId, providerUserId],
  );
  return r.rows[0]?.user_id ?? null;
}

/** Links a provider account; a link of the same account to anyone raises a unique violation on PROVIDER_ACCOUNT_KEY. */
export async function insertUserProvider(db: Queryable, p: { userId: string; providerId: string; providerUserId: string; accessToken: string; now: Date }): Promise<void> {
  await db.query(
    `INSERT INTO auth.user_providers (user_id, provider_id, provider_user_id, access_token, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5)`,
    [p.userId, p.providerId, p.providerUserId, p.accessToken, p.now],
  );
}

/** Stores the latest provider session of a linked account (SCHEMA-NEWER.md §4.7). */
export async function updateUserProviderAccessToken(db: Queryable, p: { providerId: string; providerUserId: string; accessToken: string; now: Date }): Promise<void> {
  await db.query(
    'UPDATE auth.user_providers SET access_token = $3, updated_at = $4 WHERE provider_id = $1 AND provider_user_id = $2',
    [p.providerId, p.providerUserId, p.accessToken, p.now],
  );
}

/**
 * Read-once: the newest link of the user for the provider is locked, its stored session returned
 * and replaced by `''` in the same transaction (API-NEWER.md §2.3.2). Null when there is no link.
 */
export async function updateUserProviderTakeAccessToken(db: Queryable, userId: string, providerId: string): Promise<string | null> {
  const r = await db.query<{ access_token: string }>(
    `WITH taken AS (
       SELECT id, access_token FROM auth.user_providers
        WHERE user_id = $1 AND provider_id = $2
        ORDER BY updated_at DESC, created_at DESC LIMIT 1
        FOR UPDATE)
     UPDATE auth.user_providers p SET access_token = ''
       FROM taken WHERE p.id = taken.id
     RETURNING taken.access_token`,
    [userId, providerId],
  );
  return r.rows[0]?.access_token ?? null;
}

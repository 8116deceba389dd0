import type { Queryable } from './db.js';

/** Start-up upsert of the configured roles (SCHEMA.md §4.1). */
export async function insertRoles(db: Queryable, roles: readonly string[]): Promise<void> {
  if (roles.length === 0) return;
  await db.query('INSERT INTO auth.roles (role) SELECT unnest($1::text[]) ON CONFLICT (role) DO NOTHING', [roles]);
}

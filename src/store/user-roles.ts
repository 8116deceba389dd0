import type { Queryable } from './db.js';

export async function findUserRolesByUserId(db: Queryable, userId: string): Promise<string[]> {
  const r = await db.query<{ role: string }>('SELECT role FROM auth.user_roles WHERE user_id = $1 ORDER BY created_at, role', [userId]);
  return r.rows.map((row) => row.role);
}

export async function insertUserRoles(db: Queryable, userId: string, roles: readonly string[], now: Date): Promise<void> {
  if (roles.length === 0) return;
  await db.query(
    `INSERT INTO auth.user_roles (user_id, role, created_at)
     SELECT $1, role, $3::timestamptz + (ord * interval '1 microsecond') FROM unnest($2::text[]) WITH ORDINALITY AS t(role, ord)
     ON CONFLICT (user_id, role) DO NOTHING`,
    [userId, roles, now],
  );
}

export async function deleteUserRolesByUserId(db: Queryable, userId: string): Promise<void> {
  await db.query('DELETE FROM auth.user_roles WHERE user_id = $1', [userId]);
}

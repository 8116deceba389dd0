import type { Queryable } from './db.js';

/** One `auth.users` row, in camelCase. */
export interface UserRow {
  id: string;
  createdAt: Date;
  lastSeen: Date | null;
  disabled: boolean;
  displayName: string;
  avatarUrl: string;
  locale: string;
  email: string | null;
  phoneNumber: string | null;
  passwordHash: string | null;
  emailVerified: boolean;
  phoneNumberVerified: boolean;
  newEmail: string | null;
  defaultRole: string;
  isAnonymous: boolean;
  totpSecret: string | null;
  activeMfaType: string | null;
  ticket: string | null;
  ticketExpiresAt: Date;
  /** `undefined` for SQL NULL, `null` for JSON null. */
  metadata: unknown;
}

const COLUMNS = `id, created_at, last_seen, disabled, display_name, avatar_url, locale, email::text AS email,
  phone_number, password_hash, email_verified, phone_number_verified, new_email::text AS new_email, default_role,
  is_anonymous, totp_secret, active_mfa_type, ticket, ticket_expires_at, metadata, (metadata IS NULL) AS metadata_is_sql_null`;

interface UserRecord {
  id: string;
  created_at: Date;
  last_seen: Date | null;
  disabled: boolean;
  display_name: string;
  avatar_url: string;
  locale: string;
  email: string | null;
  phone_number: string | null;
  password_hash: string | null;
  email_verified: boolean;
  phone_number_verified: boolean;
  new_email: string | null;
  default_role: string;
  is_anonymous: boolean;
  totp_secret: string | null;
  active_mfa_type: string | null;
  ticket: string | null;
  ticket_expires_at: Date;
  metadata: unknown;
  metadata_is_sql_null: boolean;
}

function toUser(r: UserRecord): UserRow {
  return {
    id: r.id,
    createdAt: new Date(r.created_at),
    lastSeen: r.last_seen === null ? null : new Date(r.last_seen),
    disabled: r.disabled,
    displayName: r.display_name,
    avatarUrl: r.avatar_url,
    locale: r.locale,
    email: r.email,
    phoneNumber: r.phone_number,
    passwordHash: r.password_hash,
    emailVerified: r.email_verified,
    phoneNumberVerified: r.phone_number_verified,
    newEmail: r.new_email,
    defaultRole: r.default_role,
    isAnonymous: r.is_anonymous,
    totpSecret: r.totp_secret,
    activeMfaType: r.active_mfa_type,
    ticket: r.ticket,
    ticketExpiresAt: new Date(r.ticket_expires_at),
    // SQL NULL and JSON null both arrive as null from the driver; GET /user tells them apart.
    metadata: r.metadata_is_sql_null ? undefined : r.metadata,
  };
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | null> {
  const r = await db.query<UserRecord>(`SELECT ${COLUMNS} FROM auth.users WHERE id = $1`, [id]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

/** Case-insensitive through the citext column. */
export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | null> {
  const r = await db.query<UserRecord>(`SELECT ${COLUMNS} FROM auth.users WHERE email = $1`, [email]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

export interface NewUser {
  id: string;
  email: string | null;
  passwordHash: string | null;
  displayName: string;
  avatarUrl: string;
  locale: string;
  defaultRole: string;
  metadata: unknown;
  isAnonymous: boolean;
  disabled: boolean;
  emailVerified: boolean;
  ticket: string | null;
  ticketExpiresAt: Date;
  lastSeen: Date | null;
  now: Date;
}

/** Inserts the user; a duplicate e-mail raises PostgreSQL's unique violation for the caller to map. */
export async function insertUser(db: Queryable, u: NewUser): Promise<UserRow> {
  const r = await db.query<UserRecord>(
    `INSERT INTO auth.users (id, email, password_hash, display_name, avatar_url, locale, default_role, metadata,
       is_anonymous, disabled, email_verified, ticket, ticket_expires_at, last_seen, created_at, otp_hash_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $15)
     RETURNING ${COLUMNS}`,
    [u.id, u.email, u.passwordHash, u.displayName, u.avatarUrl, u.locale, u.defaultRole, JSON.stringify(u.metadata ?? null),
      u.isAnonymous, u.disabled, u.emailVerified, u.ticket, u.ticketExpiresAt, u.lastSeen, u.now],
  );
  return toUser(r.rows[0]!);
}

export async function updateUserLastSeen(db: Queryable, id: string, now: Date): Promise<void> {
  await db.query('UPDATE auth.users SET last_seen = $2 WHERE id = $1', [id, now]);
}

export async function updateUserPasswordHash(db: Queryable, id: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE auth.users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
}

export async function updateUserTicket(db: Queryable, id: string, ticket: string, expiresAt: Date): Promise<void> {
  await db.query('UPDATE auth.users SET ticket = $2, ticket_expires_at = $3 WHERE id = $1', [id, ticket, expiresAt]);
}

/**
 * Spends a ticket atomically (TOKENS.md §9.3): only an unexpired ticket with the expected prefix
 * matches, so a ticket of one purpose can never be redeemed by another flow.
 */
export async function updateUserConsumeTicket(db: Queryable, ticket: string, purposePrefix: string, now: Date): Promise<UserRow | null> {
  if (!ticket.startsWith(purposePrefix)) return null;
  const r = await db.query<UserRecord>(
    `UPDATE auth.users SET ticket = NULL, ticket_expires_at = $2
      WHERE ticket = $1 AND ticket_expires_at > $2
      RETURNING ${COLUMNS}`,
    [ticket, now],
  );
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

export interface DeanonymizedUser {
  id: string;
  email: string;
  passwordHash: string;
  displayName: string;
  locale: string;
  defaultRole: string;
  metadata: unknown;
  ticket: string;
  ticketExpiresAt: Date;
}

/** Turns an anonymous user into a real one (API.md §3.6.2 step 8). */
export async function updateUserDeanonymized(db: Queryable, u: DeanonymizedUser): Promise<void> {
  await db.query(
    `UPDATE auth.users SET is_anonymous = false, email = $2, password_hash = $3, display_name = $4, locale = $5,
       default_role = $6, metadata = $7::jsonb, ticket = $8, ticket_expires_at = $9
     WHERE id = $1`,
    [u.id, u.email, u.passwordHash, u.displayName, u.locale, u.defaultRole,
      u.metadata === undefined ? null : JSON.stringify(u.metadata), u.ticket, u.ticketExpiresAt],
  );
}

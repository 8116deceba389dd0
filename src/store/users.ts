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

/** The selected columns, each prefixed with `p` (a table alias plus dot, or nothing). */
function columnList(p: string): string {
  return `${p}id, ${p}created_at, ${p}last_seen, ${p}disabled, ${p}display_name, ${p}avatar_url, ${p}locale, ${p}email::text AS email,
  ${p}phone_number, ${p}password_hash, ${p}email_verified, ${p}phone_number_verified, ${p}new_email::text AS new_email, ${p}default_role,
  ${p}is_anonymous, ${p}totp_secret, ${p}active_mfa_type, ${p}ticket, ${p}ticket_expires_at, ${p}metadata, (${p}metadata IS NULL) AS metadata_is_sql_null`;
}

const COLUMNS = columnList('');

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

/** An e-mail change request: the confirmation ticket and the address waiting for it. */
export async function updateUserTicketAndNewEmail(db: Queryable, u: { id: string; ticket: string; ticketExpiresAt: Date; newEmail: string }): Promise<void> {
  await db.query('UPDATE auth.users SET ticket = $2, ticket_expires_at = $3, new_email = $4 WHERE id = $1', [u.id, u.ticket, u.ticketExpiresAt, u.newEmail]);
}

/** `emailConfirmChange`: the pending address becomes the address. A taken address raises a unique violation. */
export async function updateUserEmailFromNewEmail(db: Queryable, id: string): Promise<UserRow | null> {
  const r = await db.query<UserRecord>(
    `UPDATE auth.users SET email = new_email, new_email = NULL WHERE id = $1 AND new_email IS NOT NULL RETURNING ${COLUMNS}`,
    [id],
  );
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

export async function updateUserEmailVerified(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE auth.users SET email_verified = true WHERE id = $1 AND NOT email_verified', [id]);
}

/**
 * A new e-mail code for the user: stored as a pgcrypto bcrypt hash in `otp_hash`, as the newer
 * schema does (SCHEMA-NEWER.md §4.5), with the attempt counter reset. Replaces any pending code.
 */
export async function updateUserEmailOtp(db: Queryable, id: string, code: string, expiresAt: Date): Promise<void> {
  await db.query(
    `UPDATE auth.users SET otp_hash = crypt($2, gen_salt('bf')), otp_hash_expires_at = $3,
       otp_method_last_used = 'email', otp_attempts = 0
     WHERE id = $1`,
    [id, code, expiresAt],
  );
}

export type OtpOutcome = { kind: 'accepted'; user: UserRow } | { kind: 'rejected' };
export type EmailOtpOutcome = OtpOutcome;

/** Per OTP method: the column that finds the user, and the flag a right code sets. */
const OTP_METHODS = {
  email: { keyColumn: 'email', verifiedColumn: 'email_verified' },
  sms: { keyColumn: 'phone_number', verifiedColumn: 'phone_number_verified' },
} as const;

/** A live code of `method` ($2 = now, $3 = maxAttempts): not spent, not expired, attempts left. */
function liveOtp(method: keyof typeof OTP_METHODS): string {
  return `otp_method_last_used = '${method}' AND otp_hash IS NOT NULL AND otp_hash_expires_at > $2 AND otp_attempts < $3`;
}

/**
 * Checks a code in one statement that locks the row, so concurrent guesses are counted one by one:
 * a right code (while attempts remain) is spent, verifies the address or number and resets the
 * counter; a wrong one counts, and the `maxAttempts`-th wrong one burns the code for good.
 */
async function updateUserCheckOtp(
  db: Queryable,
  method: keyof typeof OTP_METHODS,
  key: string,
  code: string,
  now: Date,
  maxAttempts: number,
): Promise<OtpOutcome> {
  const { keyColumn, verifiedColumn } = OTP_METHODS[method];
  const r = await db.query<UserRecord & { is_match: boolean }>(
    `WITH target AS (
       SELECT id, otp_hash = crypt($4, otp_hash) AS is_match
         FROM auth.users
        WHERE ${keyColumn} = $1 AND ${liveOtp(method)}
        FOR UPDATE
     )
     UPDATE auth.users u SET
       otp_hash = CASE WHEN t.is_match OR u.otp_attempts + 1 >= $3 THEN NULL ELSE u.otp_hash END,
       otp_hash_expires_at = CASE WHEN t.is_match OR u.otp_attempts + 1 >= $3 THEN $2 ELSE u.otp_hash_expires_at END,
       otp_attempts = CASE WHEN t.is_match THEN 0 ELSE u.otp_attempts + 1 END,
       ${verifiedColumn} = u.${verifiedColumn} OR t.is_match
     FROM target t
     WHERE u.id = t.id
     RETURNING t.is_match, ${columnList('u.')}`,
    [key, now, maxAttempts, code],
  );
  const row = r.rows[0];
  if (!row || !row.is_match) return { kind: 'rejected' };
  return { kind: 'accepted', user: toUser(row) };
}

/** Checks an e-mail code (`updateUserCheckOtp`); a right one verifies the address. */
export async function updateUserCheckEmailOtp(db: Queryable, email: string, code: string, now: Date, maxAttempts: number): Promise<EmailOtpOutcome> {
  return updateUserCheckOtp(db, 'email', email, code, now, maxAttempts);
}

/** Exact match: the reference stores and matches numbers as written (API.md §3.3.7). */
export async function findUserByPhoneNumber(db: Queryable, phoneNumber: string): Promise<UserRow | null> {
  const r = await db.query<UserRecord>(`SELECT ${COLUMNS} FROM auth.users WHERE phone_number = $1`, [phoneNumber]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

/**
 * A new SMS code for the user, sent to `phoneNumber` (the user's number; a new user gets it here):
 * a pgcrypto bcrypt hash in `otp_hash` with `otp_method_last_used = 'sms'` and the attempt counter
 * reset. Replaces any pending code. A number already owned by another user raises PostgreSQL's
 * unique violation.
 */
export async function updateUserSmsOtp(db: Queryable, id: string, phoneNumber: string, code: string, expiresAt: Date): Promise<void> {
  await db.query(
    `UPDATE auth.users SET phone_number = $2, otp_hash = crypt($3, gen_salt('bf')), otp_hash_expires_at = $4,
       otp_method_last_used = 'sms', otp_attempts = 0
     WHERE id = $1`,
    [id, phoneNumber, code, expiresAt],
  );
}

export type SmsOtpOutcome = OtpOutcome;

/** Checks an SMS code (`updateUserCheckOtp`); a right one marks the number verified. */
export async function updateUserCheckSmsOtp(db: Queryable, phoneNumber: string, code: string, now: Date, maxAttempts: number): Promise<SmsOtpOutcome> {
  return updateUserCheckOtp(db, 'sms', phoneNumber, code, now, maxAttempts);
}

/** The user holding a live SMS code for this number (Twilio Verify mode, before asking Twilio). */
export async function findUserWithLiveSmsOtp(db: Queryable, phoneNumber: string, now: Date, maxAttempts: number): Promise<UserRow | null> {
  const r = await db.query<UserRecord>(`SELECT ${COLUMNS} FROM auth.users WHERE phone_number = $1 AND ${liveOtp('sms')}`, [phoneNumber, now, maxAttempts]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

/**
 * Records the provider's verdict on a code it checked (Twilio Verify): approved spends the code
 * (null when a concurrent request spent it first) and marks the number verified; refused counts an
 * attempt and burns the code at `maxAttempts`.
 */
export async function updateUserSmsOtpVerdict(db: Queryable, id: string, isApproved: boolean, now: Date, maxAttempts: number): Promise<UserRow | null> {
  const r = await db.query<UserRecord>(
    `UPDATE auth.users SET
       otp_hash = CASE WHEN $4::boolean OR otp_attempts + 1 >= $3 THEN NULL ELSE otp_hash END,
       otp_hash_expires_at = CASE WHEN $4::boolean OR otp_attempts + 1 >= $3 THEN $2 ELSE otp_hash_expires_at END,
       otp_attempts = CASE WHEN $4::boolean THEN 0 ELSE otp_attempts + 1 END,
       phone_number_verified = phone_number_verified OR $4::boolean
     WHERE id = $1 AND ${liveOtp('sms')}
     RETURNING ${COLUMNS}`,
    [id, now, maxAttempts, isApproved],
  );
  return isApproved && r.rows[0] ? toUser(r.rows[0]) : null;
}

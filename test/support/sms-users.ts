import { expect } from 'vitest';
import type { Queryable } from '../../src/store/db.js';
import { expectContract, expectError, type ApiResponse, type TestApp } from './app.js';

// Helpers for the SMS sign-in tests (test/http/sms/).

let counter = 0;
/** A unique E.164 number in the fictional 555-01xx style range. */
export function uniquePhoneNumber(): string {
  counter += 1;
  const n = (Date.now() % 1_000_000) * 100 + counter;
  return `+1415${String(n).padStart(8, '0').slice(-8)}`;
}

export interface SmsUserRecord {
  id: string;
  email: string | null;
  phone_number: string | null;
  phone_number_verified: boolean;
  password_hash: string | null;
  display_name: string;
  avatar_url: string;
  locale: string;
  default_role: string;
  disabled: boolean;
  is_anonymous: boolean;
  otp_hash: string | null;
  otp_hash_expires_at: Date;
  otp_method_last_used: string | null;
  otp_attempts: number;
}

export async function smsUserRow(db: Queryable, phoneNumber: string): Promise<SmsUserRecord | undefined> {
  const r = await db.query<SmsUserRecord>(
    `SELECT id, email::text AS email, phone_number, phone_number_verified, password_hash, display_name, avatar_url, locale,
            default_role, disabled, is_anonymous, otp_hash, otp_hash_expires_at, otp_method_last_used, otp_attempts
       FROM auth.users WHERE phone_number = $1`,
    [phoneNumber],
  );
  const row = r.rows[0];
  return row ? { ...row, otp_hash_expires_at: new Date(row.otp_hash_expires_at) } : undefined;
}

export async function countUsersWithPhone(db: Queryable, phoneNumber: string): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM auth.users WHERE phone_number = $1', [phoneNumber]);
  return r.rows[0]!.n;
}

export function requestSms(t: TestApp, body: Record<string, unknown>): Promise<ApiResponse> {
  return t.request('POST', '/signin/passwordless/sms', { body });
}

export function verifySms(t: TestApp, phoneNumber: string, otp: string): Promise<ApiResponse> {
  return t.request('POST', '/signin/passwordless/sms/otp', { body: { phoneNumber, otp } });
}

export function expectSmsRequestOk(res: ApiResponse): void {
  expect(res.status, res.text).toBe(200);
  expect(res.text).toBe('"OK"');
  expectContract('signInPasswordlessSms', res);
}

export function expectSmsRequestError(res: ApiResponse, status: number, code: string): void {
  expectError(res, status, code);
  expectContract('signInPasswordlessSms', res);
}

export function expectSmsVerifyError(res: ApiResponse, status: number, code: string): void {
  expectError(res, status, code);
  expectContract('verifySignInPasswordlessSms', res);
}

/** Redeems the code and returns the session, checked against the contract. */
export async function expectSmsSession(t: TestApp, phoneNumber: string, code: string): Promise<any> {
  const res = await verifySms(t, phoneNumber, code);
  expect(res.status, res.text).toBe(200);
  expectContract('verifySignInPasswordlessSms', res);
  expect(Object.keys(res.body)).toEqual(['session']);
  return res.body.session;
}

/** A six-digit code that is not `code`. */
export function wrongCode(code: string, offset = 1): string {
  return String((Number(code) + offset) % 1_000_000).padStart(6, '0');
}

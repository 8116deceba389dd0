/**
 * SMS sign-in codes (FLOWS.md §10, SCHEMA-NEWER.md §4.5): lifetimes, the shapes a code can take,
 * and the sanity check of a phone number.
 */

const MINUTE_MS = 60 * 1000;

/** A code we generate lives five minutes (MESSAGES.md §7.1). */
export const SMS_CODE_TTL_MS = 5 * MINUTE_MS;

/** A Twilio Verify verification lives ten minutes at Twilio; our record of it as long. */
export const SMS_VERIFY_TTL_MS = 10 * MINUTE_MS;

/** Codes we generate are six digits; nothing else can match, so nothing else is looked up. */
export function isSmsCodeShape(value: string): boolean {
  return /^[0-9]{6}$/.test(value);
}

/** Twilio Verify codes are 4 to 10 digits, per service. */
export function isVerifyCodeShape(value: string): boolean {
  return /^[0-9]{4,10}$/.test(value);
}

/** Longer than any number a provider accepts (E.164: 15 digits), with room for formatting. */
export const MAX_PHONE_NUMBER_LENGTH = 64;

/**
 * Whether a phone number is worth handing to a provider. The reference stores and matches the
 * number as written and lets the provider judge it (API.md §3.3.7), so this refuses only what no
 * provider accepts and what PostgreSQL cannot store: empty or blank values, control characters
 * (NUL makes a text column fail) and absurd lengths. Formatting is left alone: a number written
 * differently is a different number, as in the reference.
 */
export function isPlausiblePhoneNumber(value: string): boolean {
  if (value.trim() === '' || value.length > MAX_PHONE_NUMBER_LENGTH) return false;
  // Control characters (C0, DEL, C1), lone surrogates and line separators.
  return !/[\p{Cc}\p{Cs}\u2028\u2029]/u.test(value);
}

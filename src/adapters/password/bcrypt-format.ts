import { Buffer } from 'node:buffer';
import { PasswordTooLongError } from './password-hasher.js';

// Pure rules for turning passwords and stored hashes into what the `bcrypt` package accepts,
// so that results match the reference (Go, golang.org/x/crypto/bcrypt) byte for byte.

/** bcrypt keys the Blowfish state with at most 72 bytes of the password. */
export const BCRYPT_MAX_KEY_BYTES = 72;
export const BCRYPT_MIN_COST = 4;
export const BCRYPT_MAX_COST = 31;

/** Throws unless `cost` is a cost that Go's bcrypt (and ours) accepts. */
export function assertBcryptCost(cost: number): void {
  if (!Number.isInteger(cost) || cost < BCRYPT_MIN_COST || cost > BCRYPT_MAX_COST) {
    throw new RangeError(`bcrypt cost must be an integer from ${BCRYPT_MIN_COST} to ${BCRYPT_MAX_COST}, got ${cost}`);
  }
}

/**
 * The bytes to hash for a new password.
 *
 * Go's `bcrypt.GenerateFromPassword` refuses passwords over 72 bytes (ErrPasswordTooLong, which
 * the reference turns into `500`, SCHEMA.md §10.1) instead of silently truncating them. We refuse
 * too, so nobody ends up with a password whose tail is ignored. The request schemas cap passwords at
 * 50 code points, so only multi-byte input (up to 200 bytes) can get here.
 */
export function toHashKey(password: string): Uint8Array {
  const bytes = Buffer.from(password, 'utf8');
  if (bytes.length > BCRYPT_MAX_KEY_BYTES) throw new PasswordTooLongError(bytes.length);
  return copyBytes(bytes);
}

/**
 * The bytes to compare against a stored hash.
 *
 * Go's `bcrypt.CompareHashAndPassword` does not check the length: Blowfish key expansion reads only
 * the first 72 bytes, so longer input is effectively truncated. We truncate explicitly, on bytes (a
 * multi-byte character may be cut, exactly as in Go). This also keeps us clear of the `$2a$`
 * length wrap-around in the C implementation, which only bites at 255+ bytes.
 */
export function toVerifyKey(password: string): Uint8Array {
  return copyBytes(Buffer.from(password, 'utf8').subarray(0, BCRYPT_MAX_KEY_BYTES));
}

// A fresh array, not a view into Buffer's shared pool: posting a view to a worker would copy
// (and expose) the whole 8 KiB pool slab.
function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

// `$2a$`, `$2b$`, `$2y$`, two-digit cost, 22-char salt + 31-char digest in bcrypt's base64.
const STORED_HASH = /^\$2([aby])\$(\d\d)\$([./A-Za-z0-9]{53})$/;

/**
 * The stored hash in a form the `bcrypt` package verifies, or null when it is not a bcrypt hash
 * we can check (NULL, `''` after passwordless de-anonymisation, garbage, or a cost Go rejects).
 *
 * The `bcrypt` package knows only `$2a$` and `$2b$`. `$2y$` (PHP, crypt_blowfish) is the same
 * algorithm as `$2b$`, and Go ignores the minor letter altogether, so we rewrite `$2y$` to `$2b$`.
 * With keys capped at 72 bytes, `$2a$` and `$2b$` give identical digests.
 */
export function toVerifiableHash(hash: string | null | undefined): string | null {
  if (!hash) return null;
  const match = STORED_HASH.exec(hash);
  if (!match) return null;
  const [, minor, cost, rest] = match;
  if (Number(cost) < BCRYPT_MIN_COST) return null;
  return `$2${minor === 'y' ? 'b' : minor}$${cost}$${rest}`;
}

/**
 * A well-formed hash at `cost` that no password matches in practice (its digest is arbitrary).
 * Comparing against it costs exactly what comparing against a real hash of that cost does.
 */
export function dummyHashFor(cost: number): string {
  assertBcryptCost(cost);
  return `$2a$${String(cost).padStart(2, '0')}$xjnqmODm20p8KOgAAO4IsuYpG01SAEB0yoyE8dL7a96JmcEzpb282`;
}

import { createCipheriv, createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { cryptoRandom } from '../random/random.js';
import type { Random } from '../random/random.js';

/**
 * A new refresh token (TOKENS.md §6.1): a random UUID v4, lower-case and hyphenated. Clients
 * treat it as opaque, but request schemas require the UUID shape, so it must stay one.
 */
export function newRefreshToken(random: Pick<Random, 'uuid'> = cryptoRandom): string {
  return random.uuid();
}

/**
 * The value stored in `auth.refresh_tokens.refresh_token_hash` for a refresh token or a PAT
 * (SCHEMA.md §10.4): `\x` followed by the lower-case hex SHA-256 of the token's UTF-8 bytes, which
 * is PostgreSQL's text form of `sha256(token::bytea)`. No normalisation: the token is hashed as
 * presented, so an upper-cased token does not match, as in the reference.
 */
export function hashRefreshToken(token: string): string {
  return `\\x${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

const SEAL_SALT = 'latchkey/refresh-rotation';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Seals the token that replaced `oldToken` at rotation, for reuse detection's grace window: a
 * client that presents the rotated-out token shortly after (a concurrent refresh, or a failed save)
 * gets its successor instead of a revoked session. The key is derived from the old token itself
 * (HKDF-SHA256, fixed salt, empty info), and only its hash is stored, so only the holder of the old
 * token can open the seal. AES-256-GCM; output `base64url(iv).base64url(ciphertext).base64url(tag)`.
 */
export function sealNextToken(oldToken: string, nextToken: string, random: Pick<Random, 'bytes'> = cryptoRandom): string {
  const iv = random.bytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealKey(oldToken), iv, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(nextToken, 'utf8'), cipher.final()]);
  return [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
}

/** The token sealed by sealNextToken, or null when `sealed` was not sealed with `oldToken` or was altered. */
export function openNextToken(oldToken: string, sealed: string): string | null {
  const parts = sealed.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return null;
  const [iv, ciphertext, tag] = parts.map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(oldToken), iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

function sealKey(oldToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(oldToken, 'utf8'), SEAL_SALT, '', 32));
}

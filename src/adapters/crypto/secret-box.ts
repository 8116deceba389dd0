import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (TOTP secrets, provider sessions), in the newer Nhost Auth's format
 * (SCHEMA-NEWER.md §4.6): lower-case hex of `nonce (12 bytes) ‖ AES-GCM ciphertext ‖ tag (16 bytes)`
 * of the UTF-8 plaintext, no associated data, key = AUTH_ENCRYPTION_KEY (16, 24 or 32 bytes ⇒
 * AES-128/192/256). Sharing a database with Nhost Auth needs exactly this format and key.
 */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The sealed value could not be opened: wrong key, tampered, or not a sealed value at all. */
export class SecretBoxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretBoxError';
  }
}

function cipherName(key: Buffer): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  switch (key.length) {
    case 16: return 'aes-128-gcm';
    case 24: return 'aes-192-gcm';
    case 32: return 'aes-256-gcm';
    default: throw new SecretBoxError(`an encryption key must be 16, 24 or 32 bytes, not ${key.length}`);
  }
}

/** Encrypts `plaintext` with a fresh random nonce. */
export function sealSecret(key: Buffer, plaintext: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(cipherName(key), key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('hex');
}

/** Decrypts a value made by `sealSecret` (or by Nhost Auth with the same key). */
export function openSecret(key: Buffer, sealed: string): string {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(sealed)) throw new SecretBoxError('a sealed secret must be hex');
  const raw = Buffer.from(sealed, 'hex');
  if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SecretBoxError('a sealed secret is too short');
  const nonce = raw.subarray(0, NONCE_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const body = raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv(cipherName(key), key, nonce);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new SecretBoxError('a sealed secret did not open with this key', { cause: err });
  }
}

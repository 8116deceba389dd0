import { createDecipheriv } from 'node:crypto';
import type { Queryable } from '../../src/store/db.js';
import { TEST_ENCRYPTION_KEY } from './app.js';

/** `users.totp_secret` as stored. */
export async function storedTotpSecret(db: Queryable, userId: string): Promise<string | null> {
  const r = await db.query<{ totp_secret: string | null }>('SELECT totp_secret FROM auth.users WHERE id = $1', [userId]);
  return r.rows[0]?.totp_secret ?? null;
}

/**
 * Opens a stored secret the way Nhost Auth does (SCHEMA-NEWER.md §4.6), independently of the
 * server's code: hex of nonce (12 bytes) ‖ AES-256-GCM ciphertext ‖ tag (16 bytes).
 */
export function openStoredTotpSecret(stored: string, keyHex = TEST_ENCRYPTION_KEY): string {
  const raw = Buffer.from(stored, 'hex');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
}

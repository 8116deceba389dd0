import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, SecretBoxError } from './secret-box.js';

const KEY = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');

describe('secret box', () => {
  it('opens what it sealed, with a fresh nonce each time', () => {
    const a = sealSecret(KEY, 'JBSWY3DPEHPK3PXP');
    const b = sealSecret(KEY, 'JBSWY3DPEHPK3PXP');
    expect(a).not.toBe(b);
    expect(openSecret(KEY, a)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('writes lower-case hex of nonce ‖ ciphertext ‖ tag, so a 52-character secret takes 160 characters', () => {
    const sealed = sealSecret(KEY, 'A'.repeat(52));
    expect(sealed).toMatch(/^[0-9a-f]{160}$/);
  });

  it('opens a value sealed the way Nhost Auth seals it (Go crypto/cipher GCM: nonce prefix, tag suffix)', () => {
    const nonce = Buffer.alloc(12, 7);
    const cipher = createCipheriv('aes-256-gcm', KEY, nonce);
    const body = Buffer.concat([cipher.update('secret', 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('hex');
    expect(openSecret(KEY, sealed)).toBe('secret');
  });

  it('supports 16- and 24-byte keys (AES-128 and AES-192)', () => {
    for (const size of [16, 24]) {
      const key = KEY.subarray(0, size);
      expect(openSecret(key, sealSecret(key, 'x'))).toBe('x');
    }
  });

  it('refuses a tampered value, a wrong key, and text that is not sealed', () => {
    const sealed = sealSecret(KEY, 'secret');
    const flipped = sealed.slice(0, 30) + (sealed[30] === '0' ? '1' : '0') + sealed.slice(31);
    expect(() => openSecret(KEY, flipped)).toThrow(SecretBoxError);
    expect(() => openSecret(Buffer.alloc(32, 1), sealed)).toThrow(SecretBoxError);
    expect(() => openSecret(KEY, 'JBSWY3DPEHPK3PXP')).toThrow(SecretBoxError);
    expect(() => openSecret(KEY, 'abcd')).toThrow(SecretBoxError);
  });
});

import { describe, expect, it } from 'vitest';
import { encodeTotpSecret, isTotpCodeValid, totpCodeAt, totpKeyUri } from './totp.js';
import { qrCodeDataUrl } from './qr-code.js';

// RFC 6238 appendix B: SHA-1 seed "12345678901234567890"; the 8-digit codes end in these 6 digits.
const RFC_SECRET = encodeTotpSecret(Buffer.from('12345678901234567890', 'ascii'));

describe('TOTP codes', () => {
  it('matches the RFC 6238 SHA-1 test vectors, truncated to six digits', () => {
    expect(totpCodeAt(RFC_SECRET, new Date(59_000))).toBe('287082');
    expect(totpCodeAt(RFC_SECRET, new Date(1_111_111_109_000))).toBe('081804');
    expect(totpCodeAt(RFC_SECRET, new Date(1_234_567_890_000))).toBe('005924');
  });

  it('accepts the previous, current and next step and nothing further', () => {
    const now = new Date(1_234_567_890_000);
    expect(isTotpCodeValid(RFC_SECRET, totpCodeAt(RFC_SECRET, now), now)).toBe(true);
    expect(isTotpCodeValid(RFC_SECRET, totpCodeAt(RFC_SECRET, new Date(now.getTime() - 30_000)), now)).toBe(true);
    expect(isTotpCodeValid(RFC_SECRET, totpCodeAt(RFC_SECRET, new Date(now.getTime() + 30_000)), now)).toBe(true);
    expect(isTotpCodeValid(RFC_SECRET, totpCodeAt(RFC_SECRET, new Date(now.getTime() - 60_000)), now)).toBe(false);
    expect(isTotpCodeValid(RFC_SECRET, totpCodeAt(RFC_SECRET, new Date(now.getTime() + 60_000)), now)).toBe(false);
  });

  it('treats malformed codes and secrets as wrong instead of throwing', () => {
    const now = new Date(59_000);
    for (const code of ['', '28708', '2870820', ' 287082', '28708é', '２８７０８２', 'abcdef']) {
      expect(isTotpCodeValid(RFC_SECRET, code, now)).toBe(false);
    }
    expect(isTotpCodeValid('not base32!', '287082', now)).toBe(false);
  });

  it('encodes 32 bytes as 52 base32 characters without padding', () => {
    const secret = encodeTotpSecret(Buffer.alloc(32, 0xab));
    expect(secret).toMatch(/^[A-Z2-7]{52}$/);
  });
});

describe('the key URI', () => {
  it('lists the query keys alphabetically and escapes spaces as %20', () => {
    expect(totpKeyUri({ issuer: 'My App', account: 'ada lovelace@example.org', secretBase32: 'JBSWY3DP' })).toBe(
      'otpauth://totp/My%20App:ada%20lovelace@example.org?algorithm=SHA1&digits=6&issuer=My%20App&period=30&secret=JBSWY3DP',
    );
  });

  it('percent-encodes reserved and non-ASCII characters', () => {
    expect(totpKeyUri({ issuer: 'a&b', account: 'Zoë?#', secretBase32: 'X' })).toBe(
      'otpauth://totp/a&b:Zo%C3%AB%3F%23?algorithm=SHA1&digits=6&issuer=a%26b&period=30&secret=X',
    );
  });
});

describe('the QR code image', () => {
  it('is a 200×200 PNG data URL', async () => {
    const url = await qrCodeDataUrl('otpauth://totp/auth:ada@example.org?algorithm=SHA1&digits=6&issuer=auth&period=30&secret=JBSWY3DP');
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(200); // IHDR width
    expect(png.readUInt32BE(20)).toBe(200); // IHDR height
  });
});

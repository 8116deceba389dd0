import { describe, expect, it } from 'vitest';
import { hashRefreshToken, newRefreshToken, openNextToken, sealNextToken } from './refresh-token.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OLD = '3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b';
const NEXT = '9d1c4b2a-7e6f-4a5b-8c9d-0e1f2a3b4c5d';

describe('newRefreshToken', () => {
  it('is a lower-case UUID v4, different every time', () => {
    const a = newRefreshToken();
    expect(a).toMatch(UUID_V4);
    expect(newRefreshToken()).not.toBe(a);
  });

  it('takes its randomness from the given source', () => {
    expect(newRefreshToken({ uuid: () => OLD })).toBe(OLD);
  });
});

describe('hashRefreshToken', () => {
  it('matches the SCHEMA.md §10.4 vector', () => {
    expect(hashRefreshToken('3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b')).toBe(
      '\\xab4015b7e18924556c1c1ac216366934e47ecc0000bd278dee7f279bbe9fc718',
    );
  });

  it('is 66 characters: backslash, x, 64 lower-case hex digits', () => {
    expect(hashRefreshToken(newRefreshToken())).toMatch(/^\\x[0-9a-f]{64}$/);
  });

  it('hashes the token as presented, without normalising case', () => {
    expect(hashRefreshToken(OLD.toUpperCase())).not.toBe(hashRefreshToken(OLD));
  });
});

describe('sealNextToken / openNextToken', () => {
  it('opens with the old token', () => {
    expect(openNextToken(OLD, sealNextToken(OLD, NEXT))).toBe(NEXT);
  });

  it('has the form iv.ciphertext.tag in base64url', () => {
    const [iv, ciphertext, tag, ...rest] = sealNextToken(OLD, NEXT).split('.');
    expect(rest).toEqual([]);
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(ciphertext ?? '', 'base64url')).toHaveLength(NEXT.length);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
  });

  it('uses a fresh IV each time', () => {
    expect(sealNextToken(OLD, NEXT)).not.toBe(sealNextToken(OLD, NEXT));
  });

  it('does not open with another token', () => {
    expect(openNextToken(NEXT, sealNextToken(OLD, NEXT))).toBeNull();
    expect(openNextToken(OLD.toUpperCase(), sealNextToken(OLD, NEXT))).toBeNull();
  });

  it('does not open once any part was altered', () => {
    const parts = sealNextToken(OLD, NEXT).split('.');
    for (let i = 0; i < parts.length; i++) {
      const bytes = Buffer.from(parts[i] ?? '', 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      const altered = parts.map((p, j) => (j === i ? bytes.toString('base64url') : p)).join('.');
      expect(openNextToken(OLD, altered)).toBeNull();
    }
  });

  it.each(['', 'a.b', 'a.b.c.d', '!!.??.**', 'AAAA.AAAA.AAAA', `${'A'.repeat(16)}..${'A'.repeat(22)}`])(
    'returns null for the malformed seal %j',
    (sealed) => {
      expect(openNextToken(OLD, sealed)).toBeNull();
    },
  );

  it('is deterministic given the IV', () => {
    const iv = { bytes: () => Buffer.alloc(12, 7) };
    expect(sealNextToken(OLD, NEXT, iv)).toBe(sealNextToken(OLD, NEXT, iv));
    expect(openNextToken(OLD, sealNextToken(OLD, NEXT, iv))).toBe(NEXT);
  });
});

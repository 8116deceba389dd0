import bcrypt from 'bcrypt';
import { describe, expect, it } from 'vitest';
import { assertBcryptCost, dummyHashFor, toHashKey, toVerifiableHash, toVerifyKey } from './bcrypt-format.js';
import { PasswordTooLongError } from './password-hasher.js';

const BODY = 'xjnqmODm20p8KOgAAO4IsuYpG01SAEB0yoyE8dL7a96JmcEzpb282';

describe('toVerifiableHash', () => {
  it('keeps $2a$ and $2b$ hashes as they are', () => {
    expect(toVerifiableHash(`$2a$10$${BODY}`)).toBe(`$2a$10$${BODY}`);
    expect(toVerifiableHash(`$2b$04$${BODY}`)).toBe(`$2b$04$${BODY}`);
  });

  it('relabels $2y$ as $2b$, which the bcrypt package understands', () => {
    expect(toVerifiableHash(`$2y$12$${BODY}`)).toBe(`$2b$12$${BODY}`);
  });

  const notVerifiable = [
    null,
    undefined,
    '',
    'plain',
    `$2x$10$${BODY}`,
    `$2$10$${BODY}`,
    `$2a$03$${BODY}`,
    `$2a$10$${BODY}x`,
    `$2a$10$${BODY.slice(1)}`,
  ];
  it.each(notVerifiable)('refuses %j', (hash) => {
    expect(toVerifiableHash(hash)).toBeNull();
  });
});

describe('password keys', () => {
  it('hashes up to 72 UTF-8 bytes and refuses more', () => {
    expect(toHashKey('é'.repeat(36))).toHaveLength(72);
    expect(() => toHashKey('é'.repeat(36) + 'a')).toThrow(PasswordTooLongError);
  });

  it('cuts verify input at 72 bytes, even inside a character', () => {
    const key = toVerifyKey(`${'a'.repeat(71)}é`);
    expect(key).toHaveLength(72);
    expect(key[71]).toBe(0xc3);
  });

  it('returns arrays that own exactly their bytes', () => {
    expect(toVerifyKey('short').buffer.byteLength).toBe(5);
  });
});

describe('dummyHashFor', () => {
  it('is a well-formed hash at the given cost that the bcrypt package accepts', () => {
    const dummy = dummyHashFor(10);
    expect(toVerifiableHash(dummy)).toBe(dummy);
    expect(bcrypt.getRounds(dummy)).toBe(10);
    expect(bcrypt.compareSync('', dummyHashFor(4))).toBe(false);
  });

  it('refuses costs outside 4–31', () => {
    expect(() => assertBcryptCost(4)).not.toThrow();
    expect(() => assertBcryptCost(31)).not.toThrow();
    for (const cost of [3, 32, 10.5, Number.NaN]) expect(() => dummyHashFor(cost)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { isValidEmail } from './email-format.js';

describe('isValidEmail', () => {
  it.each([
    'user@example.com',
    'USER@EXAMPLE.COM',
    'first.last@example.com',
    'a@b.co',
    'x@sub.domain.example.org',
    "o'brien@example.ie",
    'user+tag@example.com',
    "!#$%&'*+-/=?^_`{|}~@example.com",
    'user@example.com.', // trailing dot
    'user@1example.com', // labels may start with a digit
    'user@123.com',
    'user@ex-ample.com',
    'user@ex--ample.com',
    'user@ex~ample.com',
    'user@example.c-m', // the last label may hold a hyphen inside
    'user@a.b.c.d.e.f.g',
    'user@b..c.d', // labels may hold dots, so this is one label `b..c`
    'user@b.-.c.d', // … and `b.-.c`
    'üser@exämple.com', // U+00A0–U+D7FF count as letters
    '用户@例子.广告',
    'user@例子.com',
    'user@example.日本',
    'ﬀ@example.com', // U+FB00 is in U+F900–U+FDCF
    '\u00a0@example.com', // even a no-break space is a "letter"
    '"john doe"@example.com',
    '""@example.com',
    '"a@b"@example.com', // the quoted string may hold `@`
    '"a"b"@example.com', // … and `"`, since the quoted-pair branch lost its backslash
    '"a\\"@example.com',
    '"tab\there"@example.com',
    '"fold\r\n here"@example.com',
    '"\r\n "@example.com', // folding white space just before the closing quote
    '"a\r\n  \r\n b"@example.com',
  ])('accepts %j', (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['user', 'no @'],
    ['user@localhost', 'no dot in the domain'],
    ['@example.com', 'empty local part'],
    ['user@', 'empty domain'],
    ['user@.', 'only a dot'],
    ['user@.example.com', 'leading dot'],
    ['user@example..com', 'the label before the last dot ends with a dot'],
    ['user@example.com..', 'two trailing dots'],
    ['user@-example.com', 'label starting with a hyphen'],
    ['user@example-.com', 'label ending with a hyphen'],
    ['user@example.com-', 'last label ending with a hyphen'],
    ['user@example.-com', 'last label starting with a hyphen'],
    ['user@example.c0m0', 'last label ending with a digit'],
    ['user@example.1com', 'last label starting with a digit'],
    ['user@example.123', 'numeric last label'],
    ['user@127.0.0.1', 'IPv4 address'],
    ['user@[127.0.0.1]', 'address literal'],
    ['user@exa_mple.com', 'underscore in the domain'],
    ['user@exa mple.com', 'space in the domain'],
    ['user@example.com ', 'trailing space'],
    [' user@example.com', 'leading space'],
    ['user@@example.com', 'two @'],
    ['us@er@example.com', '@ in an unquoted local part'],
    ['.user@example.com', 'leading dot in the local part'],
    ['user.@example.com', 'trailing dot in the local part'],
    ['us..er@example.com', 'doubled dot in the local part'],
    ['us er@example.com', 'space in the local part'],
    ['us"er@example.com', 'quote inside an unquoted local part'],
    ['us\\er@example.com', 'backslash in the local part'],
    ['us(er)@example.com', 'parentheses'],
    ['us,er@example.com', 'comma'],
    ['us:er@example.com', 'colon'],
    ['us;er@example.com', 'semicolon'],
    ['us<er>@example.com', 'angle brackets'],
    ['us[er]@example.com', 'square brackets'],
    ['John <user@example.com>', 'display-name form'],
    ['user@example.com\n', 'trailing line feed'],
    ['"unclosed@example.com', 'unclosed quote'],
    ['"@example.com', 'a lone quote'],
    ['"a\nb"@example.com', 'bare line feed in a quoted string'],
    ['"a\r\nb"@example.com', 'CRLF not followed by white space'],
    ['"a\r\n \r\n b"@example.com', 'two folds with nothing between them'],
    ['"a\u0000b"@example.com', 'NUL in a quoted string'],
    ['😀@example.com', 'a character above U+FFFF'],
    ['user@😀.com', 'a character above U+FFFF in the domain'],
    ['\u0080@example.com', 'a C1 control'],
    ['\ufdd0@example.com', 'a non-character between the ranges'],
    ['\ufff0@example.com', 'above U+FFEF'],
    ['\ud800@example.com', 'a lone surrogate'],
  ])('rejects %j (%s)', (email) => {
    expect(isValidEmail(email)).toBe(false);
  });

  it('answers quickly where a backtracking copy of the expression would not', () => {
    const started = performance.now();
    expect(isValidEmail(`"${' '.repeat(50_000)}@x.com`)).toBe(false);
    expect(isValidEmail(`a@${'a.'.repeat(50_000)}!`)).toBe(false);
    expect(isValidEmail(`${'a.'.repeat(50_000)}@x.com`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

// The reference's expression, verbatim except for `\x{…}` written `\u{…}`. Exponential on long
// inputs, so only run on short ones.
const REFERENCE =
  /^(?:(?:(?:(?:[a-zA-Z]|\d|[!#\$%&'\*\+\-\/=\?\^_`{\|}~]|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}])+(?:\.([a-zA-Z]|\d|[!#\$%&'\*\+\-\/=\?\^_`{\|}~]|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}])+)*)|(?:(?:\x22)(?:(?:(?:(?:\x20|\x09)*(?:\x0d\x0a))?(?:\x20|\x09)+)?(?:(?:[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]|\x21|[\x23-\x5b]|[\x5d-\x7e]|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}])|(?:(?:[\x01-\x09\x0b\x0c\x0d-\x7f]|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}]))))*(?:(?:(?:\x20|\x09)*(?:\x0d\x0a))?(\x20|\x09)+)?(?:\x22))))@(?:(?:(?:[a-zA-Z]|\d|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}])|(?:(?:[a-zA-Z]|\d|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}])(?:[a-zA-Z]|\d|-|\.|~|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}])*(?:[a-zA-Z]|\d|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}])))\.)+(?:(?:[a-zA-Z]|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}])|(?:(?:[a-zA-Z]|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}])(?:[a-zA-Z]|\d|-|\.|~|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}])*(?:[a-zA-Z]|[\u{00A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}])))\.?$/u;

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('isValidEmail against the reference expression', () => {
  const localAlphabet = ['a', 'Z', '0', '.', '"', ' ', '\t', '\r', '\n', '\r\n', '@', '\\', '_', '~', 'é', '\u0000', '(', '😀'];
  const domainAlphabet = ['a', 'Z', '0', '.', '-', '~', '_', 'é', '@', ' ', '😀', '\ufff0'];

  it('agrees on random local parts', () => {
    const random = prng(1);
    const pick = (alphabet: string[]): string => alphabet[Math.floor(random() * alphabet.length)] ?? '';
    for (let n = 0; n < 10_000; n += 1) {
      const length = Math.floor(random() * 8);
      const local = Array.from({ length }, () => pick(localAlphabet)).join('');
      const quoted = random() < 0.5 ? `"${local}"` : local;
      const email = `${quoted}@example.com`;
      expect([email, isValidEmail(email)]).toEqual([email, REFERENCE.test(email)]);
    }
  });

  it('agrees on random domains', () => {
    const random = prng(2);
    const pick = (alphabet: string[]): string => alphabet[Math.floor(random() * alphabet.length)] ?? '';
    for (let n = 0; n < 10_000; n += 1) {
      const length = Math.floor(random() * 9);
      const email = `user@${Array.from({ length }, () => pick(domainAlphabet)).join('')}`;
      expect([email, isValidEmail(email)]).toEqual([email, REFERENCE.test(email)]);
    }
  });
});

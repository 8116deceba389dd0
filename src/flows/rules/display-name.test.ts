import { describe, expect, it } from 'vitest';
import { DISPLAY_NAME_PATTERN, matchesDisplayNamePattern } from './display-name.js';

describe('displayName pattern', () => {
  it('keeps the contract string', () => {
    expect(DISPLAY_NAME_PATTERN).toBe("^[\\p{L}\\p{N}\\p{S} ,.'-]+$");
  });

  it.each([
    'John Doe',
    "O'Brien",
    'Jean-Luc Picard',
    'Smith, J.',
    'Zoë Ångström',
    '山田太郎',
    'Иван',
    'محمد',
    'R2 D2',
    '١٢٣', // Arabic-Indic digits are numbers
    'a+b=c',
    '<tag>',
    '$^~`|',
    '😀 Smile',
    '€100',
    ' ',
  ])('accepts %j', (name) => {
    expect(matchesDisplayNamePattern(name)).toBe(true);
  });

  it.each(['', 'a&b', 'a/b', 'a:b', 'a@b', 'a_b', 'a!', 'a?', 'a"b', '(a)', '#1', '100%', 'a*b', 'a;b', 'a\nb', 'a\tb', 'a\\b', 'a[b]', 'a{b}'])(
    'rejects %j',
    (name) => {
      expect(matchesDisplayNamePattern(name)).toBe(false);
    },
  );
});

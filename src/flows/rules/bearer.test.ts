import { describe, expect, it } from 'vitest';
import { parseBearer } from './bearer.js';

describe('parseBearer', () => {
  it('returns the token of "Bearer <token>"', () => {
    expect(parseBearer('Bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it.each<[string | undefined, string]>([
    [undefined, 'no header'],
    ['', 'empty header'],
    ['Bearer', 'no token'],
    ['Bearer ', 'empty token'],
    ['bearer abc', 'lower-case scheme'],
    ['BEARER abc', 'upper-case scheme'],
    ['Basic abc', 'another scheme'],
    ['Bearer  abc', 'two spaces'],
    [' Bearer abc', 'leading space'],
    ['Bearer abc ', 'trailing space'],
    ['Bearer abc def', 'three parts'],
    ['Bearer\tabc', 'a tab instead of a space'],
    ['abc', 'a bare token'],
  ])('finds no token in %j (%s)', (header) => {
    expect(parseBearer(header)).toBeNull();
  });
});

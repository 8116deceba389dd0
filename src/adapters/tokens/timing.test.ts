import { describe, expect, it } from 'vitest';
import { safeEqual } from './timing.js';

describe('safeEqual', () => {
  it('is true only for equal strings', () => {
    expect(safeEqual('secret', 'secret')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('secret', 'Secret')).toBe(false);
    expect(safeEqual('secret', 'secret!')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
  });

  it('compares by UTF-8 content', () => {
    expect(safeEqual('caf\u00e9', 'cafe\u0301')).toBe(false);
    expect(safeEqual('\u{1F600}', '\u{1F600}')).toBe(true);
  });
});

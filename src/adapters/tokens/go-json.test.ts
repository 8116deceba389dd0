import { describe, expect, it } from 'vitest';
import { encodeGoJson } from './go-json.js';

describe('encodeGoJson', () => {
  it('sorts object keys, at every depth, with no whitespace', () => {
    expect(encodeGoJson({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":1,"z":0}]},"b":1}');
  });

  it('sorts keys by UTF-8 bytes, as Go does', () => {
    // U+FF5E sorts before U+1F600 in UTF-8 but after it in UTF-16.
    expect(encodeGoJson({ '\u{1F600}': 1, '\uFF5E': 2 })).toBe('{"\uFF5E":2,"\u{1F600}":1}');
  });

  it('escapes the characters Go escapes for HTML safety', () => {
    expect(encodeGoJson('<a href="x">&\u2028\u2029</a>')).toBe('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u2028\\u2029\\u003c/a\\u003e"');
  });

  it('escapes control characters like Go', () => {
    expect(encodeGoJson('\b\f\n\r\t\u0001\u001f"\\')).toBe('"\\b\\f\\n\\r\\t\\u0001\\u001f\\"\\\\"');
  });

  it('replaces unpaired surrogates with U+FFFD', () => {
    expect(encodeGoJson('a\uD800b\uDC00')).toBe('"a\uFFFDb\uFFFD"');
    expect(encodeGoJson('\u{1F600}')).toBe('"\u{1F600}"');
  });

  it('prints numbers as Go does', () => {
    expect(encodeGoJson([123, 123.456, 1e21, 1e20, 1e-7, 0.000001, -0, 1.5e300, -2.5e-10])).toBe(
      '[123,123.456,1e+21,100000000000000000000,1e-7,0.000001,-0,1.5e+300,-2.5e-10]',
    );
  });

  it('encodes booleans, null and undefined', () => {
    expect(encodeGoJson([true, false, null, undefined])).toBe('[true,false,null,null]');
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => encodeGoJson(Number.NaN)).toThrow(TypeError);
    expect(() => encodeGoJson(() => 1)).toThrow(TypeError);
    expect(() => encodeGoJson(1n)).toThrow(TypeError);
  });
});

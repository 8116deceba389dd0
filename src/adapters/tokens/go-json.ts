/**
 * JSON text byte-identical to Go's `encoding/json` (the reference is written in Go).
 *
 * It matters in two places: custom claim values that are arrays or objects become strings holding
 * their JSON (TOKENS.md §3.3), and Hasura compares session variables as strings, so the text must
 * match the reference's; and JWT payloads, which we encode the same way so our tokens are
 * byte-for-byte those the reference would mint (TOKENS.md §2.3).
 *
 * Differences from `JSON.stringify`: object keys are sorted by their UTF-8 bytes; `<`, `>`, `&`,
 * U+2028 and U+2029 are escaped as `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`; unpaired
 * surrogates become U+FFFD; negative zero is `-0`. Numbers otherwise agree: both print the
 * shortest round-trip form and switch to exponent notation below 1e-6 and from 1e21.
 */
export function encodeGoJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return encodeString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return encodeNumber(value);
    case 'object':
      return Array.isArray(value) ? encodeArray(value) : encodeObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`cannot encode a ${typeof value} as JSON`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

function encodeString(s: string): string {
  const wellFormed = s.replace(LONE_SURROGATE, '\uFFFD');
  return JSON.stringify(wellFormed).replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`cannot encode ${n} as JSON`);
  return Object.is(n, -0) ? '-0' : String(n);
}

function encodeArray(items: readonly unknown[]): string {
  return `[${items.map((item) => encodeGoJson(item)).join(',')}]`;
}

function encodeObject(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj).sort(compareUtf8);
  return `{${keys.map((k) => `${encodeString(k)}:${encodeGoJson(obj[k])}`).join(',')}}`;
}

/** Go sorts map keys by their bytes; UTF-16 order differs from it above the BMP. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Value parsers for settings, reproducing how the reference (a Go program using urfave/cli)
 * reads its flags and environment variables: CONFIG.md §1.2. Each parser takes the raw text and
 * returns either the value or a short reason; the caller adds the variable name.
 */
import type { Setting } from './setting.js';

/** The outcome of parsing one raw value. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go `strconv.ParseBool`: exactly `1 t T TRUE true True 0 f F FALSE false False`. */
export function parseBool(raw: string): Parsed<boolean> {
  if (TRUE_WORDS.has(raw)) return ok(true);
  if (FALSE_WORDS.has(raw)) return ok(false);
  return fail('is not a boolean (accepted: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False)');
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN_MAGNITUDE = 1n << 63n;
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Go's `underscoreOK`: with base 0, `_` may only sit between digits, or between a base prefix
 * and a digit.
 */
function underscoreOK(text: string): boolean {
  let s = text;
  let saw = '^';
  let i = 0;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let hex = false;
  const second = s[1]?.toLowerCase();
  if (s.length >= 2 && s[0] === '0' && (second === 'b' || second === 'o' || second === 'x')) {
    i = 2;
    saw = '0';
    hex = second === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i] as string;
    const lower = c.toLowerCase();
    if ((c >= '0' && c <= '9') || (hex && lower >= 'a' && lower <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** Go `strconv.ParseUint(s, 0, 64)` without the range check; returns null on a syntax error. */
function parseUnsignedBase0(text: string): bigint | null {
  if (text === '') return null;
  let s = text;
  let base = 10n;
  if (s[0] === '0') {
    const second = s[1]?.toLowerCase();
    if (s.length >= 3 && second === 'b') [base, s] = [2n, s.slice(2)];
    else if (s.length >= 3 && second === 'o') [base, s] = [8n, s.slice(2)];
    else if (s.length >= 3 && second === 'x') [base, s] = [16n, s.slice(2)];
    else [base, s] = [8n, s.slice(1)];
  }
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const lower = c.toLowerCase();
    let d: bigint;
    if (c >= '0' && c <= '9') d = BigInt(c.charCodeAt(0) - 48);
    else if (lower >= 'a' && lower <= 'z' && lower.length === 1) d = BigInt(lower.charCodeAt(0) - 87);
    else return null;
    if (d >= base) return null;
    n = n * base + d;
  }
  if (underscores && !underscoreOK(text)) return null;
  return n;
}

const INT_SYNTAX =
  'is not an integer (decimal, or with a 0x, 0o, 0b or leading-0 octal prefix; _ may separate digits)';

/**
 * Go `strconv.ParseInt(s, 0, 64)`: optional sign, base prefixes `0x` `0o` `0b`, a leading `0`
 * means octal, `_` digit separators. Values beyond 2^53 lose precision as a JS number.
 */
export function parseInt64(raw: string): Parsed<number> {
  let body = raw;
  let negative = false;
  if (body.startsWith('+') || body.startsWith('-')) {
    negative = body[0] === '-';
    body = body.slice(1);
  }
  const magnitude = parseUnsignedBase0(body);
  if (magnitude === null) return fail(INT_SYNTAX);
  if (negative ? magnitude > INT64_MIN_MAGNITUDE : magnitude > INT64_MAX) {
    return fail('is out of range for a 64-bit integer');
  }
  return ok(Number(negative ? -magnitude : magnitude));
}

/** Go `strconv.ParseUint(s, 0, 64)`: as {@link parseInt64}, but no sign is accepted. */
export function parseUint64(raw: string): Parsed<number> {
  const n = parseUnsignedBase0(raw);
  if (n === null) return fail(INT_SYNTAX.replace('an integer', 'an unsigned integer'));
  if (n > UINT64_MAX) return fail('is out of range for a 64-bit unsigned integer');
  return ok(Number(n));
}

const NS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 MICRO SIGN
  'μs': 1_000n, // U+03BC GREEK SMALL LETTER MU
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Go `time.ParseDuration`, returning nanoseconds: `[-+]?([0-9]*(\.[0-9]*)?unit)+` with units
 * ns, us, µs, μs, ms, s, m, h; a lone `0` is zero; any other bare number is invalid.
 */
export function parseDurationNanoseconds(raw: string): Parsed<bigint> {
  const invalid = fail<bigint>('is not a duration (e.g. 90s, 1h30m, 0.5h; units ns, us, ms, s, m, h)');
  let s = raw;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return ok(0n);
  if (s === '') return invalid;
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return invalid;
    let i = 0;
    let whole = 0n;
    while (isDigit(s[i])) whole = whole * 10n + BigInt((s[i++] as string).charCodeAt(0) - 48);
    if (whole > INT64_MIN_MAGNITUDE) return invalid;
    const hasWhole = i > 0;
    let fraction = 0n;
    let scale = 1;
    let hasFraction = false;
    if (s[i] === '.') {
      i++;
      let overflow = false;
      while (isDigit(s[i])) {
        hasFraction = true;
        const next = fraction * 10n + BigInt((s[i++] as string).charCodeAt(0) - 48);
        // Go stops accumulating (and ignores the rest) once the fraction would overflow.
        if (overflow || fraction > INT64_MAX / 10n || next > INT64_MIN_MAGNITUDE) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
    }
    if (!hasWhole && !hasFraction) return invalid;
    let j = i;
    while (j < s.length && s[j] !== '.' && !isDigit(s[j])) j++;
    if (j === i) return fail('is missing a unit (e.g. 30s; only 0 may be written without one)');
    const unitName = s.slice(i, j);
    const unit = NS_PER_UNIT[unitName];
    if (unit === undefined) return fail(`has an unknown unit "${unitName}" (use ns, us, ms, s, m or h)`);
    s = s.slice(j);
    if (whole > INT64_MIN_MAGNITUDE / unit) return invalid;
    let part = whole * unit;
    // Go computes the fractional part in float64 and truncates.
    if (fraction > 0n) part += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
    if (part > INT64_MIN_MAGNITUDE) return invalid;
    total += part;
    if (total > INT64_MIN_MAGNITUDE) return invalid;
  }
  if (!negative && total > INT64_MAX) return invalid;
  return ok(negative ? -total : total);
}

/** Go duration syntax converted to milliseconds (fractions of a millisecond are kept). */
export function parseDurationMs(raw: string): Parsed<number> {
  const ns = parseDurationNanoseconds(raw);
  if (!ns.ok) return ns;
  const wholeMs = ns.value / 1_000_000n;
  const restNs = ns.value % 1_000_000n;
  return ok(Number(wholeMs) + Number(restNs) / 1e6);
}

/**
 * Splits on every comma. Items are not trimmed and empty items are kept here: the caller
 * removes them where CONFIG.md says so (the role upsert, for one, keeps them).
 */
export function parseList(raw: string): string[] {
  return raw.split(',');
}

/** Drops the empty items of a list, as the reference does for nearly every list. */
export function withoutEmpty(items: readonly string[]): string[] {
  return items.filter((item) => item !== '');
}

/** Exact, case-sensitive match against the allowed values. */
export function parseEnum<V extends string>(raw: string, values: readonly V[]): Parsed<V> {
  const found = values.find((v) => v === raw);
  if (found !== undefined) return ok(found);
  return fail(`is not allowed: allowed values are ${values.join(', ')}`);
}

/** Any JSON document; the value is the parsed document. */
export function parseJson(raw: string): Parsed<unknown> {
  try {
    return ok(JSON.parse(raw) as unknown);
  } catch (err) {
    return fail(`is not valid JSON (${(err as Error).message})`);
  }
}

/** A setting's parsed value: booleans, numbers (durations in ms), string lists, or text. */
export type ParsedValue = boolean | number | string | readonly string[];

/**
 * Parses one setting's raw text by its declared type, applying the defined-but-empty rules of
 * CONFIG.md §1.2: an empty bool is false (even when the default is true), an empty string is
 * `''`, an empty json is "not set" (`''`), and every other empty type keeps its default.
 * `texts` holds one entry per occurrence; only list flags may be given more than once.
 */
export function parseSettingValue(setting: Setting, texts: readonly string[]): Parsed<ParsedValue> {
  const raw = texts[texts.length - 1] ?? '';
  switch (setting.type) {
    case 'boolean':
      return raw === '' ? ok(false) : parseBool(raw);
    case 'string':
      return ok(raw);
    case 'int':
      return raw === '' ? ok(setting.default) : parseInt64(raw);
    case 'uint':
      return raw === '' ? ok(setting.default) : parseUint64(raw);
    case 'duration':
      return parseDurationMs(raw === '' ? setting.default : raw);
    case 'enum':
      return raw === '' ? ok(setting.default) : parseEnum(raw, setting.values);
    case 'json': {
      if (raw === '') return ok('');
      const json = parseJson(raw);
      return json.ok ? ok(raw) : json;
    }
    case 'list':
      if (texts.every((t) => t === '')) return ok(setting.default);
      return ok(texts.flatMap(parseList));
  }
}

/**
 * The `email` format of the contract (API.md §1.2): the permissive RFC 5322-style expression the
 * reference checks while decoding a body (oapi-codegen's copy of go-playground/validator's e-mail
 * regex). Go runs that expression on RE2, in linear time. Run verbatim on a backtracking engine it
 * is exponential (in a quoted local part `"   …` a run of spaces splits in many ways), so this
 * module decides the same language by hand, in one pass per part.
 *
 * Language: LOCAL `@` DOMAIN, where
 * - LOCAL is dot-atoms (atom characters with inner single dots) or a quoted string;
 * - DOMAIN is `label.`+ `last`, then an optional `.`; a label is one letter/digit or starts and ends
 *   with one and holds letters, digits, `-`, `.`, `~`; `last` is the same with letters only at its
 *   ends. Since labels may hold dots, `a@b..c.d` is valid and `user@localhost` is not.
 * "Letters" include the non-ASCII ranges U+00A0–U+D7FF, U+F900–U+FDCF and U+FDF0–U+FFEF; nothing
 * above U+FFFF counts.
 */
export function isValidEmail(s: string): boolean {
  // The domain cannot hold `@`, so the separator is the last one (a quoted local part may hold `@`).
  const at = s.lastIndexOf('@');
  if (at < 0) return false;
  const local = s.slice(0, at);
  return (isDotAtom(local) || isQuotedString(local)) && isDomain(s.slice(at + 1));
}

const ATOM_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

function isExtendedLetter(cp: number): boolean {
  return (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xf900 && cp <= 0xfdcf) || (cp >= 0xfdf0 && cp <= 0xffef);
}

function isAsciiLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function codePoint(c: string): number {
  return c.codePointAt(0) ?? 0;
}

function isAtomChar(c: string): boolean {
  return isAsciiLetter(c) || isDigit(c) || ATOM_SPECIALS.includes(c) || isExtendedLetter(codePoint(c));
}

/** `atom(.atom)*`: no leading, trailing or doubled dot. */
function isDotAtom(local: string): boolean {
  let previous = '.';
  for (const c of local) {
    if (c === '.' ? previous === '.' : !isAtomChar(c)) return false;
    previous = c;
  }
  return previous !== '.';
}

/**
 * `"` items `"`. The reference's quoted-pair branch lost its backslash, so an item is any character
 * from U+0001–U+0009, U+000B, U+000C, U+000D–U+007F (`"` and `\` included) or the extended letters,
 * optionally preceded by folding white space `(WSP* CRLF)? WSP+`. A line feed is thus legal only
 * inside a CRLF followed by a space or tab; between two CRLFs the white space after the first must
 * be followed by at least one more character.
 */
function isQuotedString(local: string): boolean {
  if (local.length < 2 || !local.startsWith('"') || !local.endsWith('"')) return false;
  const segments = local.slice(1, -1).split('\r\n');
  return segments.every((segment, i) => {
    if (!Array.from(segment).every(isQuotedChar)) return false;
    if (i === 0) return true;
    const startsWithSpace = segment.startsWith(' ') || segment.startsWith('\t');
    const isLast = i === segments.length - 1;
    return startsWithSpace && (isLast || segment.length >= 2);
  });
}

function isQuotedChar(c: string): boolean {
  const cp = codePoint(c);
  return (cp >= 0x01 && cp <= 0x7f && cp !== 0x0a) || isExtendedLetter(cp);
}

/**
 * `(label.)+ last .?`. A label run joined by dots is itself one label, so this holds when every
 * character is allowed, the first is a letter or digit, the last (before an optional final dot) is
 * a letter, and some dot has a letter or digit before it and a letter after it.
 */
function isDomain(domain: string): boolean {
  const chars = Array.from(domain.endsWith('.') ? domain.slice(0, -1) : domain);
  const first = chars[0];
  const last = chars.at(-1);
  if (first === undefined || last === undefined) return false;
  if (!chars.every(isDomainChar) || !isLabelEdge(first) || !isLastLabelEdge(last)) return false;
  return chars.some((c, i) => {
    const before = chars[i - 1];
    const after = chars[i + 1];
    return c === '.' && before !== undefined && after !== undefined && isLabelEdge(before) && isLastLabelEdge(after);
  });
}

/** A letter or digit: how every label but the last starts and ends. */
function isLabelEdge(c: string): boolean {
  return isAsciiLetter(c) || isDigit(c) || isExtendedLetter(codePoint(c));
}

/** A letter: how the last label starts and ends. */
function isLastLabelEdge(c: string): boolean {
  return isAsciiLetter(c) || isExtendedLetter(codePoint(c));
}

function isDomainChar(c: string): boolean {
  return isLabelEdge(c) || c === '-' || c === '.' || c === '~';
}

/**
 * The `auth.email` domain's own check (SCHEMA.md §2.1): ASCII local part, ASCII labels. The
 * reference let addresses through its format check that the database then refused with a 500;
 * Latchkey refuses them up front as invalid input.
 */
const STORABLE_EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function isStorableEmail(s: string): boolean {
  return STORABLE_EMAIL.test(s);
}

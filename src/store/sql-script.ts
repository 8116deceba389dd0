/**
 * Splits a plain SQL script (a migration file, a fixture) into its statements, so each one can
 * go through `Queryable.query`: PGlite's extended protocol takes one statement per call.
 *
 * Understands what our scripts use: `--` and nested `/* *\/` comments, single-quoted strings
 * (with `''`, and backslash escapes in `E'…'`), double-quoted identifiers and dollar-quoted
 * bodies (`$$…$$`, `$tag$…$tag$`). Comment-only pieces are dropped; statements keep their
 * comments and come back without the terminating semicolon.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const ch = script[i];
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      i = skipLineComment(script, i);
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(script, i);
    } else if (ch === "'") {
      i = skipQuoted(script, i, "'", isEscapeString(script, i));
    } else if (ch === '"') {
      i = skipQuoted(script, i, '"', false);
    } else if (ch === '$') {
      const tag = dollarTagAt(script, i);
      i = tag === undefined ? i + 1 : skipDollarQuoted(script, i, tag);
    } else if (ch === ';') {
      pushStatement(statements, script.slice(start, i));
      i += 1;
      start = i;
    } else {
      i += 1;
    }
  }
  pushStatement(statements, script.slice(start));
  return statements;
}

function pushStatement(statements: string[], text: string): void {
  const trimmed = text.trim();
  if (trimmed !== '' && stripComments(trimmed).trim() !== '') statements.push(trimmed);
}

/** The text with comments removed (strings are kept), to tell comment-only pieces apart. */
function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('--', i)) i = skipLineComment(text, i);
    else if (text.startsWith('/*', i)) i = skipBlockComment(text, i);
    else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

function skipLineComment(s: string, i: number): number {
  const end = s.indexOf('\n', i);
  return end === -1 ? s.length : end + 1;
}

// PostgreSQL block comments nest.
function skipBlockComment(s: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    if (s.startsWith('/*', j)) {
      depth += 1;
      j += 2;
    } else if (s.startsWith('*/', j)) {
      depth -= 1;
      j += 2;
      if (depth === 0) return j;
    } else {
      j += 1;
    }
  }
  return s.length;
}

function isIdentifierChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(ch);
}

/** `E'…'` (or `e'…'`) not glued to a longer identifier. */
function isEscapeString(s: string, quoteAt: number): boolean {
  const prev = s[quoteAt - 1];
  return (prev === 'E' || prev === 'e') && !isIdentifierChar(s[quoteAt - 2]);
}

function skipQuoted(s: string, i: number, quote: string, backslashEscapes: boolean): number {
  let j = i + 1;
  while (j < s.length) {
    const ch = s[j];
    if (backslashEscapes && ch === '\\') {
      j += 2;
    } else if (ch === quote) {
      if (s[j + 1] === quote) j += 2;
      else return j + 1;
    } else {
      j += 1;
    }
  }
  return s.length;
}

const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/**
 * The opening delimiter of a dollar-quoted string at `i` (`$$` or `$tag$`), or undefined.
 * `$1` parameters and `$` inside identifiers are not delimiters.
 */
function dollarTagAt(s: string, i: number): string | undefined {
  if (isIdentifierChar(s[i - 1])) return undefined;
  DOLLAR_TAG.lastIndex = i;
  const match = DOLLAR_TAG.exec(s);
  return match ? match[0] : undefined;
}

function skipDollarQuoted(s: string, i: number, tag: string): number {
  const end = s.indexOf(tag, i + tag.length);
  return end === -1 ? s.length : end + tag.length;
}

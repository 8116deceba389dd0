/**
 * The glob dialect of the reference's redirect allow-list (github.com/gobwas/glob v0.2.3 compiled
 * with the separators `.` and `/`), translated to an anchored, case-sensitive RegExp.
 *
 * Syntax, as that library's lexer and parser read it:
 * - `*` any run of characters other than `.` and `/`; `**` any run at all (`***` is `**` + `*`);
 * - `?` exactly one character other than `.` and `/`;
 * - `[abc]`, `[!abc]` one character (not) in the list; `[a-z]`, `[!a-z]` one character (not) in
 *   the range. A class holds either a list or a single range, never both, and its characters
 *   include the separators;
 * - `{a,b}` alternatives, nestable; `,` and `}` are literal outside braces. An unclosed `{` is
 *   closed at the end of the pattern (the library does not report it);
 * - `\` makes the next character literal.
 * Characters are code points, hence the `u` flag. Every literal is emitted as a `\u{…}` escape, so
 * no character of a pattern can act as regex syntax.
 */

/** An allow-list entry that the reference would refuse at start-up. */
export class RedirectPatternError extends Error {
  constructor(pattern: string, reason: string) {
    super(`invalid redirect URL pattern "${pattern}": ${reason}`);
    this.name = 'RedirectPatternError';
  }
}

/** One character that is not a separator. */
const NON_SEPARATOR = '[^./]';
const TEXT_BREAKERS = ['?', '*', '[', '{'];
const TERMS_BREAKERS = [...TEXT_BREAKERS, '}', ','];

/** Compiles one glob to `^…$` with the `u` flag. Throws RedirectPatternError when unparseable. */
export function compileGlob(pattern: string): RegExp {
  return new RegExp(`^${new GlobTranslator(pattern).translate()}$`, 'u');
}

class GlobTranslator {
  private readonly chars: string[];
  private pos = 0;

  constructor(private readonly pattern: string) {
    this.chars = Array.from(pattern);
  }

  translate(): string {
    // Each open `{` is a frame holding the finished alternatives and the one being built.
    const frames: { alternatives: string[]; current: string }[] = [];
    let out = '';
    const append = (s: string): void => {
      const top = frames.at(-1);
      if (top) top.current += s;
      else out += s;
    };
    for (;;) {
      const c = this.read();
      if (c === undefined) break;
      const top = frames.at(-1);
      if (c === '{') {
        frames.push({ alternatives: [], current: '' });
      } else if (c === ',' && top) {
        top.alternatives.push(top.current);
        top.current = '';
      } else if (c === '}' && top) {
        frames.pop();
        append(group(top));
      } else if (c === '[') {
        append(this.readClass());
      } else if (c === '?') {
        append(NON_SEPARATOR);
      } else if (c === '*') {
        if (this.peek() === '*') {
          this.pos += 1;
          append('[\\s\\S]*');
        } else {
          append(`${NON_SEPARATOR}*`);
        }
      } else {
        this.pos -= 1;
        append(this.readText(frames.length > 0 ? TERMS_BREAKERS : TEXT_BREAKERS).map(literal).join(''));
      }
    }
    // gobwas/glob v0.2.3 accepts an unclosed `{` and matches as if it were closed at the end.
    for (let top = frames.pop(); top; top = frames.pop()) append(group(top));
    return out;
  }

  /** After `[`: a list (`abc`, escapes allowed) or one range (`a-z`), optionally negated by `!`. */
  private readClass(): string {
    let c = this.read();
    const negated = c === '!';
    if (negated) c = this.read();
    if (c === undefined) throw this.error('unexpected end of input');
    let members: string;
    if (this.peek() === '-') {
      this.pos += 1;
      const hi = this.read();
      if (hi === undefined) throw this.error('unexpected end of input');
      // The library takes code point 0 for "no bound" and then refuses the class.
      if (c === '\0' || hi === '\0') throw this.error('could not parse range');
      if ((hi.codePointAt(0) ?? 0) < (c.codePointAt(0) ?? 0)) throw this.error(`hi character '${hi}' should be greater than lo '${c}'`);
      members = `${literal(c)}-${literal(hi)}`;
    } else {
      this.pos -= 1;
      const list = this.readText([']']);
      if (list.length === 0) throw this.error('could not parse range');
      members = list.map(literal).join('');
    }
    const close = this.read();
    if (close === undefined) throw this.error('unexpected end of input');
    if (close !== ']') throw this.error('expected close range character');
    return `[${negated ? '^' : ''}${members}]`;
  }

  /** Literal characters up to (not including) a breaker; `\` escapes the next character. */
  private readText(breakers: readonly string[]): string[] {
    const text: string[] = [];
    let escaped = false;
    for (;;) {
      const c = this.read();
      if (c === undefined) return text; // a trailing `\` is dropped, as the library does
      if (!escaped && c === '\\') {
        escaped = true;
        continue;
      }
      if (!escaped && breakers.includes(c)) {
        this.pos -= 1;
        return text;
      }
      escaped = false;
      text.push(c);
    }
  }

  private read(): string | undefined {
    const c = this.chars[this.pos];
    if (c !== undefined) this.pos += 1;
    return c;
  }

  private peek(): string | undefined {
    return this.chars[this.pos];
  }

  private error(reason: string): RedirectPatternError {
    return new RedirectPatternError(this.pattern, reason);
  }
}

function group(frame: { alternatives: string[]; current: string }): string {
  return `(?:${[...frame.alternatives, frame.current].join('|')})`;
}

function literal(c: string): string {
  return /^[A-Za-z0-9]$/.test(c) ? c : `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;
}

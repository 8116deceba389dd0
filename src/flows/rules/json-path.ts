/**
 * The JSONPath dialect the reference evaluates custom-claim paths with: Kubernetes client-go's
 * `util/jsonpath` (TOKENS.md §4.4), on JSON as decoded from Hasura's answer. Supported: `.field`,
 * `..field` (recursive descent), `.*` and `[*]`, `[n]` (negative from the end), `[start:end:step]`,
 * `['a','b']` (fields by name) and filters `[?(@.f == 'x')]` with `==`, `!=`, `<`, `<=`, `>`, `>=`
 * or a bare `[?(@.f)]` (the member exists).
 *
 * Evaluation follows client-go: a step maps the list of current values to the next list; a field
 * that none of the current values has, an index out of range, or an index or filter applied to a
 * non-array is an error (JsonPathError), while `null` values are skipped. Two deliberate
 * simplifications: numbers compare as numbers (Go refuses to compare a JSON number with an integer
 * literal), and the step of a slice is a step (client-go passes it to Go's three-index slice).
 */

export type PathStep =
  | { readonly kind: 'field'; readonly names: readonly string[] }
  | { readonly kind: 'recursive' }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'slice'; readonly start?: number; readonly end?: number; readonly step?: number; readonly isSingleIndex: boolean }
  | { readonly kind: 'filter'; readonly left: Operand; readonly operator: FilterOperator | 'exists'; readonly right?: Operand };

export type FilterOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type Operand = { readonly kind: 'current'; readonly steps: readonly PathStep[] } | { readonly kind: 'literal'; readonly value: string | number };

/** A path that cannot be parsed, or that fails on the data at hand. */
export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

const TERMINATORS = new Set([' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}']);
const SLICE = /^(-?\d*)(?::(-?\d*))?(?::(-?\d*))?$/;
const FILTER = /^\s*(.+?)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$/;

/** Parses steps written as they follow the root: `.a.b[0]`, `[?(@.v > 1)].id`, `..name`. */
export function parseJsonPath(text: string): PathStep[] {
  const steps: PathStep[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '.') {
      if (text[i + 1] === '.') {
        steps.push({ kind: 'recursive' });
        i += 1; // the second dot starts the field that follows
        continue;
      }
      let end = i + 1;
      while (end < text.length && !TERMINATORS.has(text[end]!)) end++;
      const name = text.slice(i + 1, end);
      if (name === '') throw new JsonPathError(`a field name is missing at position ${i + 1}`);
      steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'field', names: [name] });
      i = end;
    } else if (char === '[') {
      const close = closingBracket(text, i);
      steps.push(parseBracket(text.slice(i + 1, close)));
      i = close + 1;
    } else {
      throw new JsonPathError(`unexpected ${JSON.stringify(char)} at position ${i}`);
    }
  }
  return steps;
}

/** The index of the `]` closing the `[` at `open`, skipping quoted text and parentheses. */
function closingBracket(text: string, open: number): number {
  let quote: string | null = null;
  let depth = 0;
  for (let i = open + 1; i < text.length; i++) {
    const char = text[i]!;
    if (quote !== null) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '(' || char === '[') {
      depth++;
    } else if (char === ')' || (char === ']' && depth > 0)) {
      depth--;
    } else if (char === ']') {
      return i;
    }
  }
  throw new JsonPathError('unclosed [');
}

function parseBracket(inner: string): PathStep {
  if (inner.startsWith('?(') && inner.endsWith(')')) return parseFilter(inner.slice(2, -1));
  if (inner === '*') return { kind: 'slice', isSingleIndex: false };
  if (inner.includes("'") || inner.includes('"')) {
    const names = inner.split(',').map((part) => quoted(part.trim()));
    if (names.some((n) => n === null)) throw new JsonPathError(`invalid field list [${inner}]`);
    return { kind: 'field', names: names as string[] };
  }
  const match = SLICE.exec(inner);
  if (match === null || inner === '') throw new JsonPathError(`invalid array index [${inner}]`);
  const [, start, end, step] = match;
  const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
  return { kind: 'slice', start: num(start), end: num(end), step: num(step), isSingleIndex: !inner.includes(':') };
}

function parseFilter(expression: string): PathStep {
  const match = FILTER.exec(expression);
  if (match === null) return { kind: 'filter', left: parseOperand(expression.trim()), operator: 'exists' };
  return { kind: 'filter', left: parseOperand(match[1]!), operator: match[2] as FilterOperator, right: parseOperand(match[3]!) };
}

function parseOperand(text: string): Operand {
  if (text.startsWith('@')) return { kind: 'current', steps: parseJsonPath(text.slice(1)) };
  const string = quoted(text);
  if (string !== null) return { kind: 'literal', value: string };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { kind: 'literal', value: Number(text) };
  throw new JsonPathError(`invalid filter operand ${JSON.stringify(text)}`);
}

function quoted(text: string): string | null {
  if (text.length >= 2 && (text[0] === "'" || text[0] === '"') && text.at(-1) === text[0]) return text.slice(1, -1);
  return null;
}

/** Every value the path selects in `root`; throws JsonPathError where client-go fails. */
export function evaluateJsonPath(steps: readonly PathStep[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) current = applyStep(step, current);
  return current;
}

function applyStep(step: PathStep, input: unknown[]): unknown[] {
  switch (step.kind) {
    case 'field':
      return step.names.flatMap((name) => selectField(name, input));
    case 'wildcard':
      return input.flatMap(childrenOf);
    case 'recursive':
      return descendants(input);
    case 'slice':
      return input.flatMap((value) => (value === null || value === undefined ? [] : sliceOf(step, value)));
    case 'filter':
      return input.flatMap((value) => filterOf(step, value));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function selectField(name: string, input: unknown[]): unknown[] {
  if (input.length === 0) return []; // no input, no output
  const found = input.filter(isObject).filter((value) => Object.hasOwn(value, name)).map((value) => value[name]);
  if (found.length === 0) throw new JsonPathError(`${name} is not found`);
  return found;
}

function childrenOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return isObject(value) ? Object.values(value) : [];
}

/** client-go's `..`: each container that has children, followed by its descendants. */
function descendants(input: unknown[]): unknown[] {
  const result: unknown[] = [];
  for (const value of input) {
    const children = childrenOf(value);
    if (children.length === 0) continue;
    result.push(value, ...descendants(children));
  }
  return result;
}

function sliceOf(step: Extract<PathStep, { kind: 'slice' }>, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new JsonPathError('not an array');
  const length = value.length;
  let start = step.start ?? 0;
  if (start < 0) start += length;
  // `[n]` means `[n:n+1]`; for `[-1]` that end is 0, which counts from the end too.
  let end = step.isSingleIndex ? start + 1 : (step.end ?? length);
  if (!step.isSingleIndex && end < 0) end += length;
  if (end !== start) {
    if (start < 0 || start >= length) throw new JsonPathError(`array index out of bounds: index ${start}, length ${length}`);
    if (end < 0 || end > length) throw new JsonPathError(`array index out of bounds: index ${end - 1}, length ${length}`);
  }
  const stride = step.step ?? 1;
  if (stride <= 0) throw new JsonPathError('step must be > 0');
  const result: unknown[] = [];
  for (let i = start; i < end; i += stride) result.push(value[i]);
  return result;
}

function filterOf(step: Extract<PathStep, { kind: 'filter' }>, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new JsonPathError('only arrays can be filtered');
  return value.filter((element) => {
    if (step.operator === 'exists') {
      try {
        return operandValues(step.left, element).length > 0;
      } catch {
        return false;
      }
    }
    const left = single(operandValues(step.left, element));
    const right = single(operandValues(step.right!, element));
    return compare(left, right, step.operator);
  });
}

function operandValues(operand: Operand, element: unknown): unknown[] {
  return operand.kind === 'literal' ? [operand.value] : evaluateJsonPath(operand.steps, element);
}

function single(values: unknown[]): unknown {
  if (values.length !== 1) throw new JsonPathError('can only compare one element at a time');
  return values[0];
}

function compare(left: unknown, right: unknown, operator: FilterOperator): boolean {
  const comparable =
    (typeof left === 'number' && typeof right === 'number') ||
    (typeof left === 'string' && typeof right === 'string') ||
    (typeof left === 'boolean' && typeof right === 'boolean' && (operator === '==' || operator === '!='));
  if (!comparable) throw new JsonPathError('incompatible types for comparison');
  const [a, b] = [left as number | string, right as number | string];
  switch (operator) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

import { evaluateJsonPath, JsonPathError, parseJsonPath, type PathStep } from './json-path.js';

/**
 * AUTH_JWT_CUSTOM_CLAIMS (TOKENS.md §4): one GraphQL query built at start-up from every path, and
 * per claim the rule that reads its value from the `user` object Hasura answers.
 */

/** One configured claim: its un-normalised name, its path, and how to evaluate it. */
export interface ClaimRule {
  readonly name: string;
  readonly path: string;
  /** Ends with `[]`: the older generation's walk (§4.4 "legacy mode") instead of JSONPath. */
  readonly isLegacyArray: boolean;
  /** Contains `[]`, `[*]` or `[?`: the claim is the array of every match. */
  readonly isArrayPath: boolean;
  readonly steps: readonly PathStep[];
}

export interface ClaimsPlan {
  /** `query GetClaims($id: uuid!) { user(id:$id) {…} }` selecting every field a path reads. */
  readonly query: string;
  readonly rules: readonly ClaimRule[];
}

/** A path that cannot be turned into a query or parsed as JSONPath (a start-up error). */
export class CustomClaimPathError extends Error {
  override name = 'CustomClaimPathError';
}

/** Plans the claims of AUTH_JWT_CUSTOM_CLAIMS; throws CustomClaimPathError naming the claim. */
export function planCustomClaims(claims: Readonly<Record<string, string>>): ClaimsPlan {
  const root: Selection = new Map();
  const rules = Object.entries(claims).map(([name, path]): ClaimRule => {
    try {
      const steps = parseJsonPath('.' + path.replaceAll('[]', '[*]'));
      mergeSelection(root, selectionOf(path));
      return { name, path, isLegacyArray: path.endsWith('[]'), isArrayPath: /\[\]|\[\*\]|\[\?/.test(path), steps };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new CustomClaimPathError(`custom claim ${JSON.stringify(name)}: cannot use the path ${JSON.stringify(path)}: ${reason}`);
    }
  });
  return { query: `query GetClaims($id: uuid!) { user(id:$id) ${renderSelection(root)} }`, rules };
}

/** A GraphQL selection: field name → sub-selection, or null for a leaf. */
type Selection = Map<string, Selection | null>;

/** Splits on the dots outside square brackets: `m.d[?(@.v == 'a')].id` → `m`, `d[?(@.v == 'a')]`, `id`. */
export function splitClaimPath(path: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of path) {
    if (char === '[') depth++;
    if (char === ']') depth--;
    if (char === '.' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** The fields one path reads (TOKENS.md §4.2 steps 1–4). */
function selectionOf(path: string): Selection {
  const segments = splitClaimPath(path);
  const names = segments.map((segment) => segment.split('[')[0]!);
  if (names.some((name) => !/^[_A-Za-z][_0-9A-Za-z]*$/.test(name))) throw new Error('every segment must start with a GraphQL field name');
  const root: Selection = new Map();
  let node = root;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const isLast = i === names.length - 1;
    // `metadata` is the users.metadata jsonb column: the path continues inside the JSON value.
    if (isLast || name === 'metadata') {
      node.set(name, filterFields(segments[i]!));
      return root;
    }
    const child: Selection = filterFields(segments[i]!) ?? new Map();
    node.set(name, child);
    node = child;
  }
  return root;
}

/** For a segment with a filter, the `@.<name>` fields it compares, selected beside the path's own. */
function filterFields(segment: string): Selection | null {
  const start = segment.indexOf('[?');
  if (start < 0) return null;
  const fields = [...segment.slice(start).matchAll(/@\.([^\s)=!<>]+)/g)].map((m) => m[1]!);
  return fields.length === 0 ? null : new Map(fields.map((f) => [f, null]));
}

/** Merges `add` into `into`; a field that is a leaf in one path and an object in another is an object. */
function mergeSelection(into: Selection, add: Selection): void {
  for (const [name, child] of add) {
    const existing = into.get(name);
    if (existing === undefined || existing === null) into.set(name, child ?? existing ?? null);
    else if (child !== null) mergeSelection(existing, child);
  }
}

/** `{a b{c }}` as the reference writes it: names in byte order, a leaf followed by a space. */
function renderSelection(selection: Selection): string {
  const names = [...selection.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const fields = names.map((name) => {
    const child = selection.get(name);
    return child ? name + renderSelection(child) : `${name} `;
  });
  return `{${fields.join('')}}`;
}

/** The value a rule reads from Hasura's `user` object; null when it finds nothing or fails. */
export function extractClaim(rule: ClaimRule, user: unknown): unknown {
  if (rule.isLegacyArray) return walkLegacy(user, rule.path.split('.').map((s) => s.replace(/[[\]]+$/, '')));
  let matches: unknown[];
  try {
    matches = evaluateJsonPath(rule.steps, user);
  } catch (err) {
    if (err instanceof JsonPathError) return null;
    throw err;
  }
  return rule.isArrayPath ? matches : (matches[0] ?? null);
}

/** The older generation's walk: objects by member, arrays element by element with the same path. */
function walkLegacy(value: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0) return value ?? null;
  if (Array.isArray(value)) return value.map((element) => walkLegacy(element, segments));
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, segments[0]!)) {
    return walkLegacy((value as Record<string, unknown>)[segments[0]!], segments.slice(1));
  }
  return null;
}

/**
 * The claims for a token (TOKENS.md §4.4): each rule's value, else its default
 * (AUTH_JWT_CUSTOM_CLAIMS_DEFAULTS). `user` null means the query failed: every claim takes its
 * default. Deliberate differences: a claim that is still null is left out, where the reference
 * writes the string `"null"` (Hasura would compare it as a real value); and a failed query still
 * gives the defaults, where the reference drops every custom claim.
 */
export function resolveCustomClaims(plan: ClaimsPlan, user: unknown, defaults: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const rule of plan.rules) {
    let value = user === null ? null : extractClaim(rule, user);
    if (value === null || value === undefined) value = Object.hasOwn(defaults, rule.name) ? defaults[rule.name] : null;
    if (value !== null && value !== undefined) claims[rule.name] = value;
  }
  return claims;
}

import { encodeGoJson } from './go-json.js';

/** The four claims every access token carries (TOKENS.md §3.1). */
export const STANDARD_CLAIMS = [
  'x-hasura-allowed-roles',
  'x-hasura-default-role',
  'x-hasura-user-id',
  'x-hasura-user-is-anonymous',
] as const;

/** Set only in tokens minted by elevation (TOKENS.md §8): the user id. */
export const ELEVATED_CLAIM = 'x-hasura-auth-elevated';

/** The Hasura claims object: string values, except the allowed roles array. */
export type HasuraClaims = Record<string, string | string[]>;

export interface HasuraClaimsInput {
  readonly userId: string;
  readonly defaultRole: string;
  readonly allowedRoles: readonly string[];
  readonly isAnonymous: boolean;
  /** Values as decoded from JSON (from AUTH_JWT_CUSTOM_CLAIMS); they never overwrite. */
  readonly customClaims?: Readonly<Record<string, unknown>> | undefined;
  /** Added last and overwriting; only the elevated claim in practice. */
  readonly extraClaims?: Readonly<Record<string, unknown>> | undefined;
  /** Told about each custom claim that was dropped because its name is taken. */
  readonly onDroppedClaim?: ((name: string) => void) | undefined;
}

/**
 * Assembles the claims in the reference's order (TOKENS.md §3.3): the standard four, then custom
 * claims without overwriting, then extra claims overwriting.
 *
 * Deliberate difference: the reference drops a custom claim only when its key equals a taken key
 * exactly, so `X-Hasura-User-Id` would sit beside `x-hasura-user-id`, and Hasura, which reads
 * session variables case-insensitively, could let it shadow the real one. We compare without case,
 * and also reserve `x-hasura-auth-elevated`, which a custom claim holding the user id would
 * otherwise forge.
 */
export function buildHasuraClaims(input: HasuraClaimsInput): HasuraClaims {
  const claims: HasuraClaims = {
    'x-hasura-allowed-roles': [...input.allowedRoles],
    'x-hasura-default-role': input.defaultRole,
    'x-hasura-user-id': input.userId,
    'x-hasura-user-is-anonymous': input.isAnonymous ? 'true' : 'false',
  };
  const taken = new Set<string>([...STANDARD_CLAIMS, ELEVATED_CLAIM]);

  for (const [name, value] of Object.entries(input.customClaims ?? {})) {
    const key = normalizeClaimName(name);
    if (taken.has(key.toLowerCase())) {
      input.onDroppedClaim?.(name);
      continue;
    }
    taken.add(key.toLowerCase());
    claims[key] = encodeClaimValue(value);
  }
  for (const [name, value] of Object.entries(input.extraClaims ?? {})) {
    claims[normalizeClaimName(name)] = encodeClaimValue(value);
  }
  return claims;
}

/**
 * The claim key for a configured name (TOKENS.md §3.3): kept as written when it already starts
 * with `x-hasura-` in any case, otherwise `x-hasura-` is prefixed and the whole key lower-cased.
 */
export function normalizeClaimName(name: string): string {
  return name.toLowerCase().startsWith('x-hasura-') ? name : `x-hasura-${name}`.toLowerCase();
}

/**
 * A claim value as the string Hasura receives (TOKENS.md §3.3): strings as they are; null as
 * `null`; arrays as a PostgreSQL array literal (their JSON with the outer brackets turned into
 * braces); anything else as its JSON.
 */
export function encodeClaimValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  const json = encodeGoJson(value);
  return Array.isArray(value) ? `{${json.slice(1, -1)}}` : json;
}

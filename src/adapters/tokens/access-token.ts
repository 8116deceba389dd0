import { ELEVATED_CLAIM, buildHasuraClaims } from './hasura-claims.js';
import { encodeGoJson } from './go-json.js';
import { InvalidAccessTokenError, signJwt, verifyJwt } from './jws.js';
import type { KeyRing } from './keyring.js';

export interface AccessTokenInput {
  readonly userId: string;
  readonly defaultRole: string;
  /** In the order they go into `x-hasura-allowed-roles` (TOKENS.md §3.2 says which, per path). */
  readonly allowedRoles: readonly string[];
  readonly isAnonymous: boolean;
  /** Custom claims as resolved from AUTH_JWT_CUSTOM_CLAIMS: JSON values, encoded per TOKENS.md §3.3. */
  readonly customClaims?: Readonly<Record<string, unknown>>;
  /** Adds `x-hasura-auth-elevated: <user id>` (only `POST /elevate/webauthn/verify`, TOKENS.md §8). */
  readonly elevated?: boolean;
  /**
   * Additional top-level payload claims, Latchkey's own (such as `sid`, the session's refresh-token
   * row); the reference has none. `sub`, `iss`, `iat`, `exp` and the namespace win over them.
   * (Not TOKENS.md §3.3's "extra claims", which live inside the namespace: see `elevated`.)
   */
  readonly extraClaims?: Readonly<Record<string, unknown>>;
  readonly expiresInSeconds: number;
  /** Overrides the configured issuer. */
  readonly issuer?: string;
  readonly now: Date;
  /** Told about each custom claim dropped because its name is taken (the caller logs it). */
  readonly onDroppedClaim?: (name: string) => void;
}

/**
 * Mints an access token (TOKENS.md §2–3): `sub`, `iss`, `iat`, `exp` and the Hasura claims under
 * the configured namespace — an object, or its JSON text when `claims_format` is
 * `stringified_json`. With the same inputs it is byte-identical to the reference's token.
 */
export async function signAccessToken(ring: KeyRing, input: AccessTokenInput): Promise<string> {
  const { claimsNamespace, claimsFormat } = ring.current.config;
  const claims = buildHasuraClaims({
    userId: input.userId,
    defaultRole: input.defaultRole,
    allowedRoles: input.allowedRoles,
    isAnonymous: input.isAnonymous,
    customClaims: input.customClaims,
    extraClaims: input.elevated ? { [ELEVATED_CLAIM]: input.userId } : undefined,
    onDroppedClaim: input.onDroppedClaim,
  });
  const payload: Record<string, unknown> = { ...input.extraClaims, sub: input.userId };
  // Assigned last: a namespace named like a registered claim wins, as in the reference.
  payload[claimsNamespace] = claimsFormat === 'stringified_json' ? encodeGoJson(claims) : claims;
  return signJwt(ring, payload, { now: input.now, expiresInSeconds: input.expiresInSeconds, issuer: input.issuer });
}

/** A verified access token, as the handlers read it (TOKENS.md §5.4). */
export interface VerifiedAccessToken {
  /** The user id. */
  readonly sub: string;
  /** The Hasura claims object found under the namespace; empty when there is none. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** `x-hasura-auth-elevated` equals `sub` (API.md §1.4). */
  readonly isElevated: boolean;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * Verifies a bearer access token (TOKENS.md §5.3) and reads it. Throws InvalidAccessTokenError.
 * Besides §5.3 it requires a string `sub`: every handler behind a bearer token needs the user,
 * and only our OAuth state tokens lack one. (`POST /token/verify` with a body token accepts those
 * too, so it uses verifyJwt instead.)
 */
export async function verifyAccessToken(ring: KeyRing, token: string, options: { now: Date }): Promise<VerifiedAccessToken> {
  const { payload, key } = await verifyJwt(ring, token, options);
  const sub = payload['sub'];
  if (typeof sub !== 'string' || sub === '') throw new InvalidAccessTokenError('missing-subject');
  const claims = readClaims(payload[key.config.claimsNamespace]);
  return { sub, claims, isElevated: claims[ELEVATED_CLAIM] === sub, payload };
}

/** The namespace holds an object (`json`) or, in `stringified_json` format, its JSON text. */
function readClaims(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

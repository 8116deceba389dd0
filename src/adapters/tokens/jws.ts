import { CompactSign, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { ProtectedHeaderParameters } from 'jose';
import { encodeGoJson } from './go-json.js';
import type { KeyRing, RingKey } from './keyring.js';

/** Why a token was refused; for logs, never for clients (they see one generic error). */
export type InvalidTokenReason =
  | 'malformed'
  | 'algorithm-not-allowed'
  | 'invalid-signature'
  | 'invalid-issuer'
  | 'missing-expiry'
  | 'expired'
  | 'issued-in-future'
  | 'not-yet-valid'
  | 'missing-subject';

/** A JWT that fails the checks of TOKENS.md §5.3 (or, for access tokens, has no `sub`). */
export class InvalidAccessTokenError extends Error {
  override name = 'InvalidAccessTokenError';
  constructor(
    readonly reason: InvalidTokenReason,
    options?: { cause?: unknown },
  ) {
    super(`invalid token: ${reason}`, options);
  }
}

export interface SignJwtOptions {
  readonly now: Date;
  readonly expiresInSeconds: number;
  /** Overrides the key's configured issuer. */
  readonly issuer?: string;
}

/**
 * Signs `claims` with the ring's current key, adding `iss`, `iat` and `exp` as the reference's
 * SignTokenWithClaims does (they overwrite same-named claims). The header is
 * `{"alg","kid"?,"typ":"JWT"}` with `kid` only when configured (TOKENS.md §2.1) or, during a
 * rotation, derived (RingKey.kid); header and payload
 * are encoded as Go would, so the token is byte-identical to the reference's.
 */
export async function signJwt(ring: KeyRing, claims: Readonly<Record<string, unknown>>, options: SignJwtOptions): Promise<string> {
  const { config, kid } = ring.current;
  if (config.signKey === undefined) throw new Error('this key ring cannot sign: its current key has no private key');
  const iat = Math.floor(options.now.getTime() / 1000);
  const payload = { ...claims, iss: options.issuer ?? config.issuer, iat, exp: iat + options.expiresInSeconds };
  const header = kid === undefined ? { alg: config.alg, typ: 'JWT' } : { alg: config.alg, kid, typ: 'JWT' };
  return new CompactSign(Buffer.from(encodeGoJson(payload), 'utf8')).setProtectedHeader(header).sign(config.signKey);
}

export interface VerifiedJwt {
  readonly payload: Readonly<Record<string, unknown>>;
  readonly header: ProtectedHeaderParameters;
  /** The ring key whose signature matched. */
  readonly key: RingKey;
}

/**
 * Verifies a JWT we minted, with the checks of TOKENS.md §5.3 / API.md §1.3: the header `alg`
 * equals the algorithm of the key that verifies it (so no `none`, and no HMAC token "signed" with
 * a public key); `iss` equals that key's issuer; `exp` present and `now < exp`; `iat ≤ now` and
 * `nbf ≤ now` when present; no leeway. `kid` is not required (the reference never checks it) but,
 * when it names a key of the ring, that key is tried first.
 */
export async function verifyJwt(ring: KeyRing, token: string, options: { now: Date }): Promise<VerifiedJwt> {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch (cause) {
    throw new InvalidAccessTokenError('malformed', { cause });
  }
  const candidates = ring.verificationKeys(options.now).filter((k) => k.config.alg === header.alg);
  if (candidates.length === 0) throw new InvalidAccessTokenError('algorithm-not-allowed');
  const named = (k: RingKey) => Number(header.kid !== undefined && k.kid === header.kid);
  candidates.sort((a, b) => named(b) - named(a));

  for (const key of candidates) {
    const payload = await verifyWithKey(token, key, options.now);
    if (payload !== null) return { payload, header, key };
  }
  throw new InvalidAccessTokenError('invalid-signature');
}

/** The payload, or null when the signature does not match this key; throws on any other failure. */
async function verifyWithKey(token: string, key: RingKey, now: Date): Promise<Record<string, unknown> | null> {
  let payload: Record<string, unknown>;
  try {
    const result = await jwtVerify(token, key.config.verifyKey, {
      algorithms: [key.config.alg],
      issuer: key.config.issuer,
      requiredClaims: ['exp'],
      currentDate: now,
    });
    payload = result.payload;
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed) return null;
    throw toInvalidToken(err);
  }
  // jose checks `iat` only together with maxTokenAge; the reference refuses one in the future.
  const iat = payload['iat'];
  if (typeof iat === 'number' && iat * 1000 > now.getTime()) throw new InvalidAccessTokenError('issued-in-future');
  return payload;
}

function toInvalidToken(err: unknown): unknown {
  if (err instanceof errors.JWTExpired) return new InvalidAccessTokenError('expired', { cause: err });
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new InvalidAccessTokenError('invalid-issuer', { cause: err });
    if (err.claim === 'exp' && err.reason === 'missing') return new InvalidAccessTokenError('missing-expiry', { cause: err });
    if (err.claim === 'nbf') return new InvalidAccessTokenError('not-yet-valid', { cause: err });
    return new InvalidAccessTokenError('malformed', { cause: err });
  }
  if (err instanceof errors.JOSEError) return new InvalidAccessTokenError('malformed', { cause: err });
  return err;
}

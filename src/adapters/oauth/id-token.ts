/**
 * ID tokens a client got from Apple or Google itself (native sign-in buttons), for
 * `POST /signin/idtoken` and `POST /link/idtoken` (FLOWS.md §16.1). The token must be signed RS256
 * by a key of the provider's JWKS, name the provider as issuer and our configured audience, be
 * unexpired (zero leeway), not be issued in the future, and, when it carries a nonce, carry the
 * lower-case hex SHA-256 of the raw nonce the client sends us (the client gave the provider the
 * hash). A provider is enabled by its audience (`AUTH_PROVIDER_<P>_AUDIENCE`) alone.
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../../config/types.js';
import { safeEqual } from '../tokens/timing.js';
import type { ProviderProfile } from './provider.js';

/** The providers whose ID tokens the API accepts (the contract's `IdTokenProvider`). */
export type IdTokenProviderId = 'apple' | 'google';

/** What one provider's ID tokens are checked against. */
export interface IdTokenSettings {
  /** Accepted `iss` values. */
  readonly issuers: readonly string[];
  /** AUTH_PROVIDER_<P>_AUDIENCE: `aud` must contain it. */
  readonly audience: string;
  readonly jwksUrl: string;
}

/** The token is not one we accept (→ `invalid-request`); the message says why, for the log only. */
export class IdTokenError extends Error {
  override readonly name = 'IdTokenError';
}

/** Checks ID tokens of one provider. */
export interface IdTokenVerifier {
  /** The token's claims once every check passed; throws `IdTokenError`. `rawNonce` absent = `''`. */
  verify(idToken: string, rawNonce: string, now: Date): Promise<JWTPayload>;
}

/** JWKS are refetched at least hourly (jose also refetches at once on an unknown `kid`). */
const JWKS_MAX_AGE_MS = 60 * 60 * 1000;
const JWKS_TIMEOUT_MS = 5_000;

/**
 * The provider's settings, or null when its audience is empty (the endpoint is disabled for it).
 * Google documents both `https://accounts.google.com` and `accounts.google.com` as the issuer of
 * its ID tokens, so the scheme-less form of the configured issuer is accepted too (compat B25).
 */
export function idTokenSettingsOf(config: Config, provider: IdTokenProviderId): IdTokenSettings | null {
  const audience = config.idToken[provider].audience;
  if (audience === '') return null;
  const { issuer, jwksUrl } = config.providers[provider];
  const issuers = provider === 'google' ? [...new Set([issuer, issuer.replace(/^https:\/\//, '')])] : [issuer];
  return { issuers, audience, jwksUrl };
}

/** The lower-case hex SHA-256 of the raw nonce: what the token's `nonce` claim must hold. */
export function nonceHashOf(rawNonce: string): string {
  return createHash('sha256').update(rawNonce, 'utf8').digest('hex');
}

function isTokenRefusal(err: unknown): err is joseErrors.JOSEError {
  if (!(err instanceof joseErrors.JOSEError)) return false;
  return !(err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || err.code === 'ERR_JOSE_GENERIC');
}

/** A verifier on `settings`, with its own JWKS cache (or the given key set, for unit tests). */
export function createIdTokenVerifier(settings: IdTokenSettings, keys?: JWTVerifyGetKey): IdTokenVerifier {
  let jwks = keys;
  return {
    async verify(idToken, rawNonce, now) {
      jwks ??= createRemoteJWKSet(new URL(settings.jwksUrl), { cacheMaxAge: JWKS_MAX_AGE_MS, timeoutDuration: JWKS_TIMEOUT_MS });
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(idToken, jwks, {
          algorithms: ['RS256'],
          issuer: [...settings.issuers],
          audience: settings.audience,
          requiredClaims: ['exp'],
          currentDate: now,
          clockTolerance: 0,
        }));
      } catch (err) {
        // A refusal of the token is the caller's fault; a JWKS we cannot fetch or read is not (the flow logs it).
        if (isTokenRefusal(err)) throw new IdTokenError(`id token refused: ${err.code}`, { cause: err });
        throw err;
      }
      // jose checks `iat` only with maxTokenAge; the reference refuses a token issued in the future.
      if (typeof claims.iat === 'number' && claims.iat > Math.floor(now.getTime() / 1000)) throw new IdTokenError('id token issued in the future');
      // No nonce claim: nothing to check, even when the request sends one (FLOWS.md §16.1).
      if (typeof claims['nonce'] === 'string' && !safeEqual(claims['nonce'], nonceHashOf(rawNonce))) throw new IdTokenError('id token nonce differs');
      return claims;
    },
  };
}

const cache = new WeakMap<Config, Map<IdTokenProviderId, IdTokenVerifier | null>>();

/** The verifier of `provider` with `config` (cached per configuration object), or null when disabled. */
export function idTokenVerifierFor(config: Config, provider: IdTokenProviderId): IdTokenVerifier | null {
  let built = cache.get(config);
  if (!built) cache.set(config, (built = new Map()));
  if (!built.has(provider)) {
    const settings = idTokenSettingsOf(config, provider);
    built.set(provider, settings && createIdTokenVerifier(settings));
  }
  return built.get(provider) ?? null;
}

/**
 * Apple documents `email_verified` as a boolean or the string `"true"`/`"false"`, and sends the
 * string in some tokens; Google sends a boolean. Anything else counts as not verified.
 */
function isEmailVerifiedClaim(provider: IdTokenProviderId, claim: unknown): boolean {
  return claim === true || (provider === 'apple' && claim === 'true');
}

function optionalString(claims: JWTPayload, name: string): string {
  const value = claims[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The profile in a validated token (FLOWS.md §16.1): `sub` and `email` must be strings (an empty
 * `sub` is returned as is; the flow refuses it with `oauth-profile-fetch-failed`).
 */
export function idTokenProfileOf(provider: IdTokenProviderId, claims: JWTPayload): ProviderProfile {
  const { sub } = claims;
  const email = claims['email'];
  if (typeof sub !== 'string') throw new IdTokenError('id token without a subject');
  if (typeof email !== 'string') throw new IdTokenError('id token without an e-mail address');
  const emailVerifiedClaim = claims['email_verified'];
  return {
    id: sub,
    email,
    emailVerified: isEmailVerifiedClaim(provider, emailVerifiedClaim),
    emailVerifiedClaim,
    displayName: optionalString(claims, 'name'),
    avatarUrl: optionalString(claims, 'picture'),
    locale: '',
    raw: claims,
  };
}

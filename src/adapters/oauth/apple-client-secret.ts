/**
 * Apple's client secret: an ES256 JWT we sign with the developer key (PROVIDERS.md §6.1). Apple
 * accepts one for at most six months; the reference signed one at start-up and failed every
 * Apple sign-in 180 days later (FLOWS.md §20 Q13). We keep the reference's lifetime but sign a
 * fresh secret once the current one is half-way through it (spec README decisions).
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';

/** 180 days, as the reference (Apple's maximum is 15 777 000 s). */
export const APPLE_CLIENT_SECRET_LIFETIME_SECONDS = 15_552_000;
const RENEW_AFTER_SECONDS = APPLE_CLIENT_SECRET_LIFETIME_SECONDS / 2;

export interface AppleClientSecretInput {
  readonly teamId: string;
  readonly keyId: string;
  /** The Services ID (our `client_id`), the JWT's `sub`. */
  readonly clientId: string;
  /** EC P-256 private key, PEM. */
  readonly privateKeyPem: string;
  /** `https://appleid.apple.com` (the configured issuer). */
  readonly audience: string;
}

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs the client-secret JWT with `key` at `nowSeconds` (ES256, JOSE signature format). */
export function signAppleClientSecret(input: AppleClientSecretInput, key: KeyObject, nowSeconds: number): string {
  const header = part({ alg: 'ES256', kid: input.keyId, typ: 'JWT' });
  const claims = part({ iss: input.teamId, iat: nowSeconds, exp: nowSeconds + APPLE_CLIENT_SECRET_LIFETIME_SECONDS, aud: input.audience, sub: input.clientId });
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' });
  return `${header}.${claims}.${signature.toString('base64url')}`;
}

/** The current client secret, re-signed when the cached one has lived half its lifetime. */
export function createAppleClientSecret(input: AppleClientSecretInput, nowMs: () => number = Date.now): () => string {
  // The key was checked at start-up (sections-features.ts); parsing it once keeps requests cheap.
  const key = createPrivateKey(input.privateKeyPem);
  let cached: { secret: string; issuedAt: number } | null = null;
  return () => {
    const now = Math.floor(nowMs() / 1000);
    if (cached === null || now - cached.issuedAt >= RENEW_AFTER_SECONDS || now < cached.issuedAt) {
      cached = { secret: signAppleClientSecret(input, key, now), issuedAt: now };
    }
    return cached.secret;
  };
}

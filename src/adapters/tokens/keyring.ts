import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { JwtSecretError, parseJwtSecret } from './jwt-secret.js';
import type { SigningAlgorithm, SigningKeyConfig } from './jwt-secret.js';

/** A JWKS entry for an RSA key: exactly the fields of API.md §2.8, in the reference's order. */
export interface RsaJwk {
  alg: SigningAlgorithm;
  e: string;
  kid: string;
  kty: 'RSA';
  n: string;
  use: 'sig';
}
export interface EcJwk {
  alg: SigningAlgorithm;
  crv: string;
  kid: string;
  kty: 'EC';
  use: 'sig';
  x: string;
  y: string;
}
export interface OkpJwk {
  alg: SigningAlgorithm;
  crv: string;
  kid: string;
  kty: 'OKP';
  use: 'sig';
  x: string;
}
export type PublishedJwk = RsaJwk | EcJwk | OkpJwk;
export interface JwkSet {
  keys: PublishedJwk[];
}

/** A key that used to sign; it still verifies until `retireAt` (forever when absent). */
export interface PreviousSigningKey {
  readonly key: SigningKeyConfig;
  readonly retireAt?: Date;
}

export interface KeyRingOptions {
  readonly previous?: readonly PreviousSigningKey[];
  /** Accept a current key without a private key: the ring then verifies but cannot sign. */
  readonly verifyOnly?: boolean;
  /** Source of the per-process kid the reference publishes for RSA keys without one (tests pin it). */
  readonly uuid?: () => string;
}

/** A previous `HASURA_GRAPHQL_JWT_SECRET` value, trusted for verification until `retireAt`. */
export interface PreviousJwtSecret {
  readonly secret: string;
  readonly retireAt?: Date | undefined;
}

/**
 * Parses the current secret and the previous ones and builds the ring (see KeyRing.create).
 * Throws JwtSecretError naming the faulty value.
 */
export async function buildKeyRing(
  currentSecret: string,
  previousSecrets: readonly PreviousJwtSecret[] = [],
  options: Omit<KeyRingOptions, 'previous'> = {},
): Promise<KeyRing> {
  const previous = previousSecrets.map((p, i) => ({
    key: parseJwtSecret(p.secret, { name: `previous JWT secret #${i + 1}` }),
    retireAt: p.retireAt,
  }));
  return KeyRing.create(parseJwtSecret(currentSecret), { ...options, previous });
}

/** A key of the ring, with what it publishes. */
export interface RingKey {
  readonly config: SigningKeyConfig;
  /** Its JWKS entry; undefined for HMAC keys, which are never published. */
  readonly jwk: PublishedJwk | undefined;
  readonly retireAt: Date | undefined;
  /**
   * The `kid` of the tokens it signs: the configured one. In a ring with previous keys, an
   * asymmetric key without one is named by its RFC 7638 thumbprint, here and in the JWKS, so a
   * resource server can pick the key of each token, and every replica publishes the same names.
   */
  readonly kid: string | undefined;
}

/**
 * The signing key and the keys still trusted for verification. The current key signs everything
 * (access tokens, OAuth state); a previous key keeps verifying until its `retireAt`, so tokens it
 * minted stay valid across a key rotation.
 */
export class KeyRing {
  private constructor(
    readonly current: RingKey,
    readonly previous: readonly RingKey[],
  ) {}

  /** Builds the ring; async because exporting JWKs is. Throws JwtSecretError for an unusable set. */
  static async create(current: SigningKeyConfig, options: KeyRingOptions = {}): Promise<KeyRing> {
    if (current.signKey === undefined && !options.verifyOnly) {
      throw new JwtSecretError(`signing_key is required for ${current.type}: the current key must be able to sign`);
    }
    const kids = [current, ...(options.previous ?? []).map((p) => p.key)].map((k) => k.kid).filter((k) => k !== undefined);
    const duplicate = kids.find((kid, i) => kids.indexOf(kid) !== i);
    if (duplicate !== undefined) throw new JwtSecretError(`two signing keys share the kid ${JSON.stringify(duplicate)}`);

    const uuid = options.uuid ?? randomUUID;
    const isRotating = (options.previous ?? []).length > 0;
    const ringKey = async (config: SigningKeyConfig, retireAt: Date | undefined): Promise<RingKey> => {
      const jwk = await publishedJwk(config, uuid, isRotating);
      return Object.freeze({ config, jwk, retireAt, kid: config.kid ?? (isRotating ? jwk?.kid : undefined) });
    };
    const previous = await Promise.all((options.previous ?? []).map((p) => ringKey(p.key, p.retireAt)));
    return new KeyRing(await ringKey(current, undefined), Object.freeze(previous));
  }

  /** Whether the current key can sign (false only for a `verifyOnly` ring). */
  get canSign(): boolean {
    return this.current.config.signKey !== undefined;
  }

  /** The current key, then every previous key not yet retired at `now`. */
  verificationKeys(now: Date): RingKey[] {
    return [this.current, ...this.previous.filter((k) => isActive(k, now))];
  }

  /**
   * `GET /.well-known/jwks.json`: every asymmetric key still verifying at `now`. HMAC keys are
   * secret, so a ring of only HMAC keys answers `{"keys":[]}` (TOKENS.md §13). Pass the clock's
   * time; the default (the system time) only decides when a retired key drops out.
   */
  jwks(now: Date = new Date()): JwkSet {
    return { keys: this.verificationKeys(now).flatMap((k) => (k.jwk ? [{ ...k.jwk }] : [])) };
  }

  /** What an operator should hear about the previous keys at start-up (nothing without any). */
  rotationWarnings(now: Date): string[] {
    return this.previous.flatMap((key, i) => {
      const name = `AUTH_JWT_PREVIOUS_SECRETS item ${i + 1}${key.kid === undefined ? '' : ` (kid ${key.kid})`}`;
      if (key.retireAt === undefined) return [`${name} has no retire_at: tokens it signed verify for as long as it is listed`];
      if (!isActive(key, now)) return [`${name} retired at ${key.retireAt.toISOString()} and no longer verifies: remove it`];
      return [];
    });
  }
}

function isActive(key: RingKey, now: Date): boolean {
  return key.retireAt === undefined || now.getTime() < key.retireAt.getTime();
}

/**
 * The JWKS entry of a key (TOKENS.md §13). `kid` is the configured one; without it the reference
 * publishes a random UUID per process for RSA (kept for a single key: nothing can depend on its
 * value, and tokens carry no kid then; during a rotation the thumbprint is used instead). For our EC and Ed25519 keys we publish the stable RFC 7638 thumbprint.
 * Unlike the reference we publish the key's real exponent rather than a hard-coded `AQAB`
 * (identical for every RSA key in practical use, whose exponent is 65537).
 */
async function publishedJwk(config: SigningKeyConfig, uuid: () => string, isRotating: boolean): Promise<PublishedJwk | undefined> {
  if (config.family === 'hmac') return undefined;
  const jwk = await exportJWK(config.verifyKey);
  const { alg } = config;
  if (config.family === 'rsa') {
    const kid = config.kid ?? (isRotating ? await calculateJwkThumbprint(jwk) : uuid());
    return { alg, e: need(jwk.e), kid, kty: 'RSA', n: need(jwk.n), use: 'sig' };
  }
  const kid = config.kid ?? (await calculateJwkThumbprint(jwk));
  if (config.family === 'ec') {
    return { alg, crv: need(jwk.crv), kid, kty: 'EC', use: 'sig', x: need(jwk.x), y: need(jwk.y) };
  }
  return { alg, crv: need(jwk.crv), kid, kty: 'OKP', use: 'sig', x: need(jwk.x) };
}

function need(value: string | undefined): string {
  if (value === undefined) throw new Error('exported JWK is missing a member');
  return value;
}

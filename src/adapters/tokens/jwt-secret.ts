import { createPrivateKey, createPublicKey, createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';

/** A `HASURA_GRAPHQL_JWT_SECRET` (or a previous key) that cannot be used; the message says why. */
export class JwtSecretError extends Error {
  override name = 'JwtSecretError';
}

/** `type` values we accept: the reference's six, plus ES256 and Ed25519 (spelled as Hasura does). */
export type JwtSecretType = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'Ed25519';
/** The JWS `alg` header each type produces. */
export type SigningAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'EdDSA';
export type KeyFamily = 'hmac' | 'rsa' | 'ec' | 'okp';
/** Hasura's two claim formats: the namespace holds an object, or that object's JSON as a string. */
export type ClaimsFormat = 'json' | 'stringified_json';

/** One parsed signing configuration (TOKENS.md §1). Key material lives in KeyObjects, which never print. */
export interface SigningKeyConfig {
  readonly type: JwtSecretType;
  readonly alg: SigningAlgorithm;
  readonly family: KeyFamily;
  /** The configured `kid`; undefined when absent or empty. Only a configured kid goes in token headers. */
  readonly kid: string | undefined;
  /** `iss` of minted tokens and the only `iss` accepted; default `hasura-auth`. */
  readonly issuer: string;
  readonly claimsNamespace: string;
  readonly claimsFormat: ClaimsFormat;
  /** The HMAC secret or the public key. */
  readonly verifyKey: KeyObject;
  /** The HMAC secret or the private key; undefined when only a public key was given. */
  readonly signKey: KeyObject | undefined;
  /** Hasura fields present in the JSON that we do not act on, so the caller can warn about them. */
  readonly ignoredFields: readonly string[];
}

export interface ParseJwtSecretOptions {
  /** Names the variable in error messages. */
  readonly name?: string;
}

export const DEFAULT_ISSUER = 'hasura-auth';
export const DEFAULT_CLAIMS_NAMESPACE = 'https://hasura.io/jwt/claims';

const TYPES: Record<JwtSecretType, { alg: SigningAlgorithm; family: KeyFamily }> = {
  HS256: { alg: 'HS256', family: 'hmac' },
  HS384: { alg: 'HS384', family: 'hmac' },
  HS512: { alg: 'HS512', family: 'hmac' },
  RS256: { alg: 'RS256', family: 'rsa' },
  RS384: { alg: 'RS384', family: 'rsa' },
  RS512: { alg: 'RS512', family: 'rsa' },
  ES256: { alg: 'ES256', family: 'ec' },
  Ed25519: { alg: 'EdDSA', family: 'okp' },
};

/** Fields Hasura reads and the reference ignores (TOKENS.md §1); we ignore them too. */
const IGNORED_FIELDS = ['claims_namespace_path', 'audience', 'jwk_url', 'claims_map', 'allowed_skew', 'header'];

const PUBLIC_LABELS: Record<KeyFamily, readonly string[]> = {
  hmac: [],
  rsa: ['PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE'],
  ec: ['PUBLIC KEY', 'CERTIFICATE'],
  okp: ['PUBLIC KEY', 'CERTIFICATE'],
};
const PRIVATE_LABELS: Record<KeyFamily, readonly string[]> = {
  hmac: [],
  rsa: ['PRIVATE KEY', 'RSA PRIVATE KEY'],
  ec: ['PRIVATE KEY', 'EC PRIVATE KEY'],
  okp: ['PRIVATE KEY'],
};

/**
 * Parses `HASURA_GRAPHQL_JWT_SECRET` (TOKENS.md §1). HS*: `key` is the secret, its UTF-8 bytes
 * unchanged. RS*, ES256, Ed25519: `key` is the PEM public key (SPKI, PKCS#1 for RSA, or a
 * certificate) and `signing_key` the PEM private key (PKCS#8, PKCS#1 for RSA, SEC1 for EC); without
 * `signing_key` the key can only verify. Throws JwtSecretError for anything unusable.
 */
export function parseJwtSecret(raw: string, options: ParseJwtSecretOptions = {}): SigningKeyConfig {
  const name = options.name ?? 'HASURA_GRAPHQL_JWT_SECRET';
  const fail = (message: string): never => {
    throw new JwtSecretError(`${name}: ${message}`);
  };

  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return fail('not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('must be a JSON object');
  const fields = json as Record<string, unknown>;

  // The reference decodes these into Go strings: another JSON type is a startup error, null is absent.
  const text = (field: string): string => {
    const v = fields[field];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') return fail(`"${field}" must be a string`);
    return v;
  };

  const typeName = text('type');
  if (!Object.hasOwn(TYPES, typeName)) {
    return fail(`unsupported jwt type: ${JSON.stringify(typeName)} (use one of ${Object.keys(TYPES).join(', ')})`);
  }
  const type = typeName as JwtSecretType;
  const { alg, family } = TYPES[type];

  const claimsFormat = text('claims_format') || 'json';
  if (claimsFormat !== 'json' && claimsFormat !== 'stringified_json') {
    return fail(`"claims_format" must be "json" or "stringified_json", got ${JSON.stringify(claimsFormat)}`);
  }

  const keys = family === 'hmac' ? hmacKeys(fields, type, fail) : asymmetricKeys(fields, type, family, fail);

  return Object.freeze({
    type,
    alg,
    family,
    kid: text('kid') || undefined,
    issuer: text('issuer') || DEFAULT_ISSUER,
    claimsNamespace: text('claims_namespace') || DEFAULT_CLAIMS_NAMESPACE,
    claimsFormat,
    verifyKey: keys.verifyKey,
    signKey: keys.signKey,
    ignoredFields: Object.freeze(IGNORED_FIELDS.filter((f) => fields[f] !== undefined)),
  });
}

type Fail = (message: string) => never;
interface KeyPair {
  verifyKey: KeyObject;
  signKey: KeyObject | undefined;
}

function hmacKeys(fields: Record<string, unknown>, type: JwtSecretType, fail: Fail): KeyPair {
  const key = fields['key'];
  if (key === undefined || key === null) return fail(`key is required for ${type}`);
  if (typeof key !== 'string') return fail('key must be a string');
  // The reference would accept "", but an empty HMAC secret lets anyone mint tokens.
  if (key === '') return fail('key must not be empty');
  const secret = createSecretKey(Buffer.from(key, 'utf8'));
  return { verifyKey: secret, signKey: secret };
}

function asymmetricKeys(fields: Record<string, unknown>, type: JwtSecretType, family: KeyFamily, fail: Fail): KeyPair {
  const key = fields['key'];
  if (key === undefined || key === null) return fail(`key is required for ${type}`);
  if (typeof key !== 'string') return fail('key must be a string');
  const verifyKey = readPem(key, PUBLIC_LABELS[family], 'key', fail, (pem) => createPublicKey(pem));
  checkKeyFits(verifyKey, type, family, 'key', fail);

  const signingKey = fields['signing_key'];
  if (signingKey === undefined || signingKey === null) return { verifyKey, signKey: undefined };
  if (typeof signingKey !== 'string') return fail('signing key must be a string');
  const signKey = readPem(signingKey, PRIVATE_LABELS[family], 'signing_key', fail, (pem) => createPrivateKey(pem));
  checkKeyFits(signKey, type, family, 'signing_key', fail);

  // The reference does not check this; a mismatch would make every token we mint fail our own checks.
  const derived = createPublicKey(signKey).export({ type: 'spki', format: 'der' });
  if (!derived.equals(verifyKey.export({ type: 'spki', format: 'der' }))) {
    return fail('key and signing_key are not the two halves of one key pair');
  }
  return { verifyKey, signKey };
}

function readPem(pem: string, labels: readonly string[], field: string, fail: Fail, read: (pem: string) => KeyObject): KeyObject {
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];
  if (label === undefined) return fail(`${field} is not a PEM block`);
  if (!labels.includes(label)) {
    return fail(`${field} is a PEM "${label}", expected one of: ${labels.map((l) => `"${l}"`).join(', ')}`);
  }
  try {
    return read(pem);
  } catch (err) {
    return fail(`${field} could not be parsed: ${(err as Error).message}`);
  }
}

function checkKeyFits(key: KeyObject, type: JwtSecretType, family: KeyFamily, field: string, fail: Fail): void {
  const kind = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  if (family === 'rsa') {
    if (kind !== 'rsa') fail(`${field} is not an RSA key (found ${kind ?? 'unknown'}), but type is ${type}`);
    // jose refuses shorter RSA keys (RFC 7518 §3.3); the reference would take them.
    if ((details?.modulusLength ?? 0) < 2048) fail(`${field}: RSA keys shorter than 2048 bits are not supported`);
  } else if (family === 'ec') {
    if (kind !== 'ec' || details?.namedCurve !== 'prime256v1') fail(`${field} is not a P-256 EC key, but type is ${type}`);
  } else if (kind !== 'ed25519') {
    fail(`${field} is not an Ed25519 key (found ${kind ?? 'unknown'}), but type is ${type}`);
  }
}

/**
 * A fresh `HASURA_GRAPHQL_JWT_SECRET` value: RS256 with a new 2048-bit key pair and its RFC 7638
 * thumbprint as `kid`. Used when the embedded database runs without a configured key.
 */
export async function generateSigningKey(): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return JSON.stringify({
    type: 'RS256',
    key: await exportSPKI(publicKey),
    signing_key: await exportPKCS8(privateKey),
    kid,
  });
}

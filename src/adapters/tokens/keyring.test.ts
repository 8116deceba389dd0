import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwtSecretError, parseJwtSecret } from './jwt-secret.js';
import { KeyRing, buildKeyRing } from './keyring.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa2 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

type Pair = { publicKey: KeyObject; privateKey: KeyObject };
const asymmetric = (type: string, pair: Pair, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type,
    key: pair.publicKey.export({ type: 'spki', format: 'pem' }),
    signing_key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    ...extra,
  });
const hmac = (extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'HS256', key: 'k'.repeat(32), ...extra });
const NOW = new Date('2030-01-01T00:00:00Z');
const fixedUuid = () => '00000000-0000-4000-8000-000000000000';

describe('KeyRing.jwks', () => {
  it('answers an empty set when only HMAC keys exist', async () => {
    const ring = await buildKeyRing(hmac(), [{ secret: hmac({ key: 'other' }) }]);
    expect(ring.jwks(NOW)).toEqual({ keys: [] });
    expect(JSON.stringify(ring.jwks(NOW))).toBe('{"keys":[]}');
  });

  it('publishes an RSA key with exactly the reference fields, in its order', async () => {
    const ring = await buildKeyRing(asymmetric('RS384', rsa, { kid: 'key-1' }));
    const [jwk] = ring.jwks(NOW).keys;
    const expectedN = rsa.publicKey.export({ format: 'jwk' }).n;
    expect(JSON.stringify(jwk)).toBe(`{"alg":"RS384","e":"AQAB","kid":"key-1","kty":"RSA","n":"${expectedN}","use":"sig"}`);
  });

  it('publishes a per-process UUID as kid for an RSA key without one, as the reference does', async () => {
    const ring = await KeyRing.create(parseJwtSecret(asymmetric('RS256', rsa)), { uuid: fixedUuid });
    expect(ring.jwks(NOW).keys[0]?.kid).toBe(fixedUuid());
    const other = await buildKeyRing(asymmetric('RS256', rsa));
    expect(other.jwks(NOW).keys[0]?.kid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('publishes an EC key with a stable thumbprint kid', async () => {
    const a = await buildKeyRing(asymmetric('ES256', ec));
    const b = await buildKeyRing(asymmetric('ES256', ec));
    const [jwk] = a.jwks(NOW).keys;
    expect(Object.keys(jwk ?? {})).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(jwk).toMatchObject({ alg: 'ES256', crv: 'P-256', kty: 'EC', use: 'sig' });
    expect(jwk?.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.jwks(NOW).keys[0]?.kid).toBe(jwk?.kid);
  });

  it('publishes an Ed25519 key as OKP', async () => {
    const ring = await buildKeyRing(asymmetric('Ed25519', ed, { kid: 'ed' }));
    const [jwk] = ring.jwks(NOW).keys;
    expect(Object.keys(jwk ?? {})).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(jwk).toMatchObject({ alg: 'EdDSA', crv: 'Ed25519', kid: 'ed', kty: 'OKP', use: 'sig' });
  });

  it('publishes previous keys until they retire, and never HMAC ones', async () => {
    const retireAt = new Date(NOW.getTime() + 60_000);
    const ring = await buildKeyRing(asymmetric('RS256', rsa, { kid: 'new' }), [
      { secret: asymmetric('RS256', rsa2, { kid: 'old' }), retireAt },
      { secret: hmac({ kid: 'hs' }) },
    ]);
    expect(ring.jwks(NOW).keys.map((k) => k.kid)).toEqual(['new', 'old']);
    expect(ring.jwks(new Date(retireAt.getTime() - 1)).keys.map((k) => k.kid)).toEqual(['new', 'old']);
    expect(ring.jwks(retireAt).keys.map((k) => k.kid)).toEqual(['new']);
  });

  it('hands out copies, so callers cannot alter the ring', async () => {
    const ring = await buildKeyRing(asymmetric('RS256', rsa, { kid: 'k' }));
    const first = ring.jwks(NOW).keys[0];
    if (first) first.kid = 'changed';
    expect(ring.jwks(NOW).keys[0]?.kid).toBe('k');
  });
});

describe('KeyRing.create', () => {
  it('refuses a current key that cannot sign, unless asked to only verify', async () => {
    const publicOnly = parseJwtSecret(JSON.stringify({ type: 'RS256', key: rsa.publicKey.export({ type: 'spki', format: 'pem' }) }));
    await expect(KeyRing.create(publicOnly)).rejects.toThrow(JwtSecretError);
    const ring = await KeyRing.create(publicOnly, { verifyOnly: true });
    expect(ring.canSign).toBe(false);
  });

  it('refuses two keys with the same kid', async () => {
    await expect(buildKeyRing(hmac({ kid: 'same' }), [{ secret: hmac({ kid: 'same', key: 'x' }) }])).rejects.toThrow(/share the kid "same"/);
  });

  it('names the faulty previous secret', async () => {
    await expect(buildKeyRing(hmac(), [{ secret: '{}' }])).rejects.toThrow(/^previous JWT secret #1: unsupported jwt type/);
  });

  it('lists the current key first, then the previous keys still active', async () => {
    const ring = await buildKeyRing(hmac({ kid: 'a' }), [
      { secret: hmac({ kid: 'b', key: 'b' }), retireAt: new Date(NOW.getTime() - 1) },
      { secret: hmac({ kid: 'c', key: 'c' }) },
    ]);
    expect(ring.canSign).toBe(true);
    expect(ring.verificationKeys(NOW).map((k) => k.config.kid)).toEqual(['a', 'c']);
  });
});

describe('KeyRing during a rotation', () => {
  it('names asymmetric keys without a kid by their thumbprint, in the JWKS and in the tokens they sign', async () => {
    const current = asymmetric('RS256', rsa);
    const previous = [{ secret: asymmetric('RS256', rsa2) }];
    const a = await buildKeyRing(current, previous);
    const b = await buildKeyRing(current, previous); // another replica
    const thumbprint = await calculateJwkThumbprint(rsa.publicKey.export({ format: 'jwk' }) as JWK);
    expect(a.current.kid).toBe(thumbprint);
    expect(a.jwks(NOW)).toEqual(b.jwks(NOW));
    expect(a.jwks(NOW).keys.map((k) => k.kid)).toEqual([thumbprint, await calculateJwkThumbprint(rsa2.publicKey.export({ format: 'jwk' }) as JWK)]);
  });

  it('keeps configured kids, and gives HMAC keys none', async () => {
    const ring = await buildKeyRing(asymmetric('RS256', rsa, { kid: 'mine' }), [{ secret: hmac() }]);
    expect(ring.current.kid).toBe('mine');
    expect(ring.previous[0]?.kid).toBeUndefined();
  });

  it('keeps the reference’s kid-less tokens for a single key', async () => {
    const ring = await buildKeyRing(asymmetric('RS256', rsa));
    expect(ring.current.kid).toBeUndefined();
  });

  it('warns about previous keys that never retire or already have', async () => {
    const ring = await buildKeyRing(hmac(), [
      { secret: hmac({ key: 'a'.repeat(32), kid: 'forever' }) },
      { secret: hmac({ key: 'b'.repeat(32) }), retireAt: new Date(NOW.getTime() - 1000) },
      { secret: hmac({ key: 'c'.repeat(32) }), retireAt: new Date(NOW.getTime() + 1000) },
    ]);
    expect(ring.rotationWarnings(NOW)).toEqual([
      'AUTH_JWT_PREVIOUS_SECRETS item 1 (kid forever) has no retire_at: tokens it signed verify for as long as it is listed',
      'AUTH_JWT_PREVIOUS_SECRETS item 2 retired at 2029-12-31T23:59:59.000Z and no longer verifies: remove it',
    ]);
  });
});

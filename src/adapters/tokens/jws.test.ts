import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { InvalidAccessTokenError, signJwt, verifyJwt } from './jws.js';
import { buildKeyRing } from './keyring.js';

const NOW = new Date('2030-01-01T00:00:00.900Z');
const SECONDS = Math.floor(NOW.getTime() / 1000);

describe('signJwt', () => {
  it('adds iss, iat and exp over the given claims, as the reference does for OAuth state', async () => {
    const ring = await buildKeyRing(JSON.stringify({ type: 'HS256', key: 'secret', kid: 'k1', issuer: 'me' }));
    const token = await signJwt(ring, { connect: null, options: { redirectTo: 'https://app' }, iss: 'x', exp: 0 }, { now: NOW, expiresInSeconds: 60 });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', kid: 'k1', typ: 'JWT' });
    expect(decodeJwt(token)).toEqual({ connect: null, options: { redirectTo: 'https://app' }, iss: 'me', iat: SECONDS, exp: SECONDS + 60 });
    expect(token.split('.')[1]).toBe(
      Buffer.from(`{"connect":null,"exp":${SECONDS + 60},"iat":${SECONDS},"iss":"me","options":{"redirectTo":"https://app"}}`).toString('base64url'),
    );
  });

  it('takes an issuer override', async () => {
    const ring = await buildKeyRing(JSON.stringify({ type: 'HS256', key: 'secret' }));
    const token = await signJwt(ring, {}, { now: NOW, expiresInSeconds: 60, issuer: 'elsewhere' });
    expect(decodeJwt(token).iss).toBe('elsewhere');
  });
});

describe('verifyJwt', () => {
  it('returns the payload, the header and the key that matched', async () => {
    const ring = await buildKeyRing(JSON.stringify({ type: 'HS256', key: 'secret' }));
    const token = await signJwt(ring, { state: 's' }, { now: NOW, expiresInSeconds: 60 });
    const verified = await verifyJwt(ring, token, { now: NOW });
    expect(verified.payload['state']).toBe('s');
    expect(verified.header.alg).toBe('HS256');
    expect(verified.key).toBe(ring.current);
  });

  it('throws InvalidAccessTokenError with a reason', async () => {
    const ring = await buildKeyRing(JSON.stringify({ type: 'HS256', key: 'secret' }));
    const token = await signJwt(ring, {}, { now: NOW, expiresInSeconds: 60 });
    const error = await verifyJwt(ring, token, { now: new Date(NOW.getTime() + 60_000) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidAccessTokenError);
    expect(error).toMatchObject({ reason: 'expired', message: 'invalid token: expired' });
  });
});

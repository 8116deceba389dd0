import { createHmac, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken } from './access-token.js';
import { InvalidAccessTokenError, verifyJwt } from './jws.js';
import { buildKeyRing } from './keyring.js';
import type { KeyRing } from './keyring.js';

// TOKENS.md §2.3
const VECTOR_SECRET = '{"type":"HS256","key":"this-is-a-test-key-of-at-least-32-chars!"}';
const VECTOR =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3NjAwMDA5MDAsImh0dHBzOi8vaGFzdXJhLmlvL2p3dC9jbGFpbXMiOnsieC1oYXN1cmEtYWxsb3dlZC1yb2xlcyI6WyJtZSIsInVzZXIiXSwieC1oYXN1cmEtZGVmYXVsdC1yb2xlIjoidXNlciIsIngtaGFzdXJhLXVzZXItaWQiOiI2YzFmMGI1ZS0yZDdhLTRjMzktOWE1OC0wZTRiN2QyZjkxYWEiLCJ4LWhhc3VyYS11c2VyLWlzLWFub255bW91cyI6ImZhbHNlIn0sImlhdCI6MTc2MDAwMDAwMCwiaXNzIjoiaGFzdXJhLWF1dGgiLCJzdWIiOiI2YzFmMGI1ZS0yZDdhLTRjMzktOWE1OC0wZTRiN2QyZjkxYWEifQ.1pXbkUpGq7_dBJvw_83Ybd4Lue-rn3yAmxppLM06_fY';
const VECTOR_IAT = new Date(1_760_000_000_000);
const USER_ID = '6c1f0b5e-2d7a-4c39-9a58-0e4b7d2f91aa';
const NS = 'https://hasura.io/jwt/claims';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaOld = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

type Pair = { publicKey: KeyObject; privateKey: KeyObject };
const publicPem = (pair: Pair) => pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const asymmetric = (type: string, pair: Pair, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type, key: publicPem(pair), signing_key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), ...extra });
const hmac = (extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'HS256', key: 'k'.repeat(32), ...extra });

const subject = { userId: USER_ID, defaultRole: 'user', allowedRoles: ['me', 'user'], isAnonymous: false, expiresInSeconds: 900 };
const at = (seconds: number) => new Date(VECTOR_IAT.getTime() + seconds * 1000);

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidAccessTokenError);
    return (err as InvalidAccessTokenError).reason;
  }
  throw new Error('expected the token to be refused');
}

/** A token with arbitrary claims, signed by the ring's current key the way jose would. */
function forge(ring: KeyRing, claims: Record<string, unknown>, alg = ring.current.config.alg): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(ring.current.config.signKey!);
}

describe('the TOKENS.md §2.3 test vector', () => {
  it('verifies with the clock at its iat', async () => {
    const ring = await buildKeyRing(VECTOR_SECRET);
    const verified = await verifyAccessToken(ring, VECTOR, { now: VECTOR_IAT });
    expect(verified.sub).toBe(USER_ID);
    expect(verified.isElevated).toBe(false);
    expect(verified.claims).toEqual({
      'x-hasura-allowed-roles': ['me', 'user'],
      'x-hasura-default-role': 'user',
      'x-hasura-user-id': USER_ID,
      'x-hasura-user-is-anonymous': 'false',
    });
  });

  it('is exactly what we mint for the same user at the same instant', async () => {
    const ring = await buildKeyRing(VECTOR_SECRET);
    expect(await signAccessToken(ring, { ...subject, now: VECTOR_IAT })).toBe(VECTOR);
  });

  it('stays valid until the second before exp, with no leeway', async () => {
    const ring = await buildKeyRing(VECTOR_SECRET);
    await expect(verifyAccessToken(ring, VECTOR, { now: at(899.999) })).resolves.toBeDefined();
    expect(await reason(verifyAccessToken(ring, VECTOR, { now: at(900) }))).toBe('expired');
  });

  it('is refused before its iat', async () => {
    const ring = await buildKeyRing(VECTOR_SECRET);
    expect(await reason(verifyAccessToken(ring, VECTOR, { now: at(-1) }))).toBe('issued-in-future');
  });

  it('is refused under another secret', async () => {
    const ring = await buildKeyRing(hmac());
    expect(await reason(verifyAccessToken(ring, VECTOR, { now: VECTOR_IAT }))).toBe('invalid-signature');
  });
});

describe('signAccessToken', () => {
  it.each([
    ['HS384', () => JSON.stringify({ type: 'HS384', key: 'secret' })],
    ['HS512', () => JSON.stringify({ type: 'HS512', key: 'secret' })],
    ['RS256', () => asymmetric('RS256', rsa)],
    ['RS512', () => asymmetric('RS512', rsa)],
    ['ES256', () => asymmetric('ES256', ec)],
    ['EdDSA', () => asymmetric('Ed25519', ed)],
  ])('round-trips with %s', async (alg, secret) => {
    const ring = await buildKeyRing(secret());
    const token = await signAccessToken(ring, { ...subject, now: VECTOR_IAT });
    expect(decodeProtectedHeader(token)).toEqual({ alg, typ: 'JWT' });
    const verified = await verifyAccessToken(ring, token, { now: at(1) });
    expect(verified.payload).toEqual({
      sub: USER_ID,
      iss: 'hasura-auth',
      iat: 1_760_000_000,
      exp: 1_760_000_900,
      [NS]: verified.claims,
    });
  });

  it('puts a configured kid in the header, and only then', async () => {
    const withKid = await buildKeyRing(asymmetric('RS256', rsa, { kid: 'main' }));
    const token = await signAccessToken(withKid, { ...subject, now: VECTOR_IAT });
    expect(token.split('.')[0]).toBe(Buffer.from('{"alg":"RS256","kid":"main","typ":"JWT"}').toString('base64url'));
    const withoutKid = await buildKeyRing(asymmetric('RS256', rsa));
    expect(decodeProtectedHeader(await signAccessToken(withoutKid, { ...subject, now: VECTOR_IAT }))).not.toHaveProperty('kid');
  });

  it('uses the configured issuer and namespace', async () => {
    const ring = await buildKeyRing(hmac({ issuer: 'latchkey', claims_namespace: 'claims' }));
    const token = await signAccessToken(ring, { ...subject, now: VECTOR_IAT });
    const payload = decodeJwt(token);
    expect(payload.iss).toBe('latchkey');
    expect(payload['claims']).toMatchObject({ 'x-hasura-user-id': USER_ID });
    expect((await verifyAccessToken(ring, token, { now: VECTOR_IAT })).claims['x-hasura-user-id']).toBe(USER_ID);
  });

  it('writes the claims as a JSON string in stringified_json format', async () => {
    const ring = await buildKeyRing(hmac({ claims_format: 'stringified_json' }));
    const token = await signAccessToken(ring, { ...subject, customClaims: { tags: ['<a>'] }, now: VECTOR_IAT });
    // The claim value itself is Go's JSON of ["<a>"] as an array literal: {"\u003ca\u003e"}.
    const tags = String.raw`{"\u003ca\u003e"}`;
    expect(decodeJwt(token)[NS]).toBe(
      String.raw`{"x-hasura-allowed-roles":["me","user"],"x-hasura-default-role":"user","x-hasura-tags":"{\"\\u003ca\\u003e\"}",` +
        `"x-hasura-user-id":"${USER_ID}","x-hasura-user-is-anonymous":"false"}`,
    );
    const verified = await verifyAccessToken(ring, token, { now: VECTOR_IAT });
    expect(verified.claims['x-hasura-tags']).toBe(tags);
    expect(verified.claims['x-hasura-user-id']).toBe(USER_ID);
  });

  it('adds custom claims without letting them replace the standard ones', async () => {
    const ring = await buildKeyRing(hmac());
    const dropped: string[] = [];
    const token = await signAccessToken(ring, {
      ...subject,
      customClaims: { 'org-id': 'o1', 'project-ids': [7, 9], 'default-role': 'admin' },
      onDroppedClaim: (name) => dropped.push(name),
      now: VECTOR_IAT,
    });
    const { claims } = await verifyAccessToken(ring, token, { now: VECTOR_IAT });
    expect(claims).toMatchObject({ 'x-hasura-org-id': 'o1', 'x-hasura-project-ids': '{7,9}', 'x-hasura-default-role': 'user' });
    expect(dropped).toEqual(['default-role']);
  });

  it('marks an elevated token with the user id, which verification recognises', async () => {
    const ring = await buildKeyRing(hmac());
    const token = await signAccessToken(ring, { ...subject, elevated: true, now: VECTOR_IAT });
    const verified = await verifyAccessToken(ring, token, { now: VECTOR_IAT });
    expect(verified.claims['x-hasura-auth-elevated']).toBe(USER_ID);
    expect(verified.isElevated).toBe(true);
  });

  it('adds top-level extra claims, which cannot replace the registered ones', async () => {
    const ring = await buildKeyRing(hmac());
    const token = await signAccessToken(ring, { ...subject, extraClaims: { sid: 'row-1', sub: 'other', exp: 1 }, now: VECTOR_IAT });
    const { payload } = await verifyAccessToken(ring, token, { now: VECTOR_IAT });
    expect(payload).toMatchObject({ sid: 'row-1', sub: USER_ID, exp: 1_760_000_900 });
  });

  it('refuses to sign with a ring that only verifies', async () => {
    const ring = await buildKeyRing(JSON.stringify({ type: 'RS256', key: publicPem(rsa) }), [], { verifyOnly: true });
    await expect(signAccessToken(ring, { ...subject, now: VECTOR_IAT })).rejects.toThrow(/cannot sign/);
  });
});

describe('verifyAccessToken', () => {
  it('refuses an HMAC token keyed with our RSA public key (algorithm confusion)', async () => {
    const ring = await buildKeyRing(asymmetric('RS256', rsa));
    const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: USER_ID, iss: 'hasura-auth', iat: 1_760_000_000, exp: 1_760_000_900 })).toString('base64url');
    const signature = createHmac('sha256', publicPem(rsa)).update(`${header}.${body}`).digest('base64url');
    expect(await reason(verifyAccessToken(ring, `${header}.${body}.${signature}`, { now: VECTOR_IAT }))).toBe('algorithm-not-allowed');

    // Even when an HMAC key is also trusted, the RSA public key is not that key.
    const mixed = await buildKeyRing(asymmetric('RS256', rsa), [{ secret: hmac() }]);
    expect(await reason(verifyAccessToken(mixed, `${header}.${body}.${signature}`, { now: VECTOR_IAT }))).toBe('invalid-signature');
  });

  it('refuses an unsigned token', async () => {
    const ring = await buildKeyRing(hmac());
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: USER_ID, iss: 'hasura-auth', exp: 1_760_000_900 })).toString('base64url');
    expect(await reason(verifyAccessToken(ring, `${header}.${body}.`, { now: VECTOR_IAT }))).toBe('algorithm-not-allowed');
  });

  it('refuses another algorithm of the same family', async () => {
    const ring = await buildKeyRing(hmac());
    const token = await forge(ring, { sub: USER_ID, iss: 'hasura-auth', exp: 1_760_000_900 }, 'HS512');
    expect(await reason(verifyAccessToken(ring, token, { now: VECTOR_IAT }))).toBe('algorithm-not-allowed');
  });

  it('refuses a wrong or missing issuer', async () => {
    const ring = await buildKeyRing(hmac());
    const wrong = await forge(ring, { sub: USER_ID, iss: 'someone-else', exp: 1_760_000_900 });
    expect(await reason(verifyAccessToken(ring, wrong, { now: VECTOR_IAT }))).toBe('invalid-issuer');
    const missing = await forge(ring, { sub: USER_ID, exp: 1_760_000_900 });
    expect(await reason(verifyAccessToken(ring, missing, { now: VECTOR_IAT }))).toBe('invalid-issuer');
  });

  it('refuses a token without exp', async () => {
    const ring = await buildKeyRing(hmac());
    const token = await forge(ring, { sub: USER_ID, iss: 'hasura-auth' });
    expect(await reason(verifyAccessToken(ring, token, { now: VECTOR_IAT }))).toBe('missing-expiry');
  });

  it('honours nbf', async () => {
    const ring = await buildKeyRing(hmac());
    const token = await forge(ring, { sub: USER_ID, iss: 'hasura-auth', nbf: 1_760_000_010, exp: 1_760_000_900 });
    expect(await reason(verifyAccessToken(ring, token, { now: at(9) }))).toBe('not-yet-valid');
    await expect(verifyAccessToken(ring, token, { now: at(10) })).resolves.toBeDefined();
  });

  it('accepts a token without iat', async () => {
    const ring = await buildKeyRing(hmac());
    const token = await forge(ring, { sub: USER_ID, iss: 'hasura-auth', exp: 1_760_000_900 });
    expect((await verifyAccessToken(ring, token, { now: VECTOR_IAT })).claims).toEqual({});
  });

  it('refuses a token whose payload was altered', async () => {
    const ring = await buildKeyRing(hmac());
    const [header, , signature] = (await signAccessToken(ring, { ...subject, now: VECTOR_IAT })).split('.');
    const body = Buffer.from(JSON.stringify({ sub: 'admin', iss: 'hasura-auth', exp: 1_760_000_900 })).toString('base64url');
    expect(await reason(verifyAccessToken(ring, `${header}.${body}.${signature}`, { now: VECTOR_IAT }))).toBe('invalid-signature');
  });

  it('refuses what is not a JWT', async () => {
    const ring = await buildKeyRing(hmac());
    expect(await reason(verifyAccessToken(ring, 'not-a-token', { now: VECTOR_IAT }))).toBe('malformed');
    expect(await reason(verifyAccessToken(ring, '', { now: VECTOR_IAT }))).toBe('malformed');
  });

  it('refuses a token without sub, which verifyJwt still accepts (OAuth state, /token/verify)', async () => {
    const ring = await buildKeyRing(hmac());
    const token = await forge(ring, { iss: 'hasura-auth', iat: 1_760_000_000, exp: 1_760_000_060, connect: null });
    expect(await reason(verifyAccessToken(ring, token, { now: VECTOR_IAT }))).toBe('missing-subject');
    expect((await verifyJwt(ring, token, { now: VECTOR_IAT })).payload['connect']).toBeNull();
  });

  it('is not elevated when the claim names another user', async () => {
    const ring = await buildKeyRing(hmac());
    const token = await forge(ring, { sub: USER_ID, iss: 'hasura-auth', exp: 1_760_000_900, [NS]: { 'x-hasura-auth-elevated': 'someone' } });
    expect((await verifyAccessToken(ring, token, { now: VECTOR_IAT })).isElevated).toBe(false);
  });
});

describe('verification across a key rotation', () => {
  async function rotated(retireAt: Date) {
    const oldRing = await buildKeyRing(asymmetric('RS256', rsaOld, { kid: 'old' }));
    const ring = await buildKeyRing(asymmetric('ES256', ec, { kid: 'new' }), [{ secret: asymmetric('RS256', rsaOld, { kid: 'old' }), retireAt }]);
    return { oldToken: await signAccessToken(oldRing, { ...subject, expiresInSeconds: 86_400, now: VECTOR_IAT }), ring };
  }

  it('accepts a token of a previous key until that key retires', async () => {
    const { oldToken, ring } = await rotated(at(3600));
    expect((await verifyAccessToken(ring, oldToken, { now: at(3599) })).sub).toBe(USER_ID);
    expect(await reason(verifyAccessToken(ring, oldToken, { now: at(3600) }))).toBe('algorithm-not-allowed');
  });

  it('signs with the current key only', async () => {
    const { ring } = await rotated(at(3600));
    const token = await signAccessToken(ring, { ...subject, now: VECTOR_IAT });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'new', typ: 'JWT' });
  });

  it('finds the right key among several of the same algorithm, with or without kid', async () => {
    const current = hmac({ key: 'current-key', kid: 'b' });
    const previous = hmac({ key: 'previous-key', kid: 'a' });
    const oldToken = await signAccessToken(await buildKeyRing(previous), { ...subject, now: VECTOR_IAT });
    const ring = await buildKeyRing(current, [{ secret: previous }]);
    const verified = await verifyJwt(ring, oldToken, { now: VECTOR_IAT });
    expect(verified.key.config.kid).toBe('a');
    const noKid = await buildKeyRing(hmac({ key: 'current-key' }), [{ secret: hmac({ key: 'previous-key' }) }]);
    const unlabelled = await signAccessToken(await buildKeyRing(hmac({ key: 'previous-key' })), { ...subject, now: VECTOR_IAT });
    expect((await verifyAccessToken(noKid, unlabelled, { now: VECTOR_IAT })).sub).toBe(USER_ID);
  });

  it('checks the issuer of the key that verified the token', async () => {
    const previous = hmac({ key: 'previous-key', issuer: 'old-issuer' });
    const oldToken = await signAccessToken(await buildKeyRing(previous), { ...subject, now: VECTOR_IAT });
    const ring = await buildKeyRing(hmac({ issuer: 'new-issuer' }), [{ secret: previous }]);
    expect((await verifyAccessToken(ring, oldToken, { now: VECTOR_IAT })).payload['iss']).toBe('old-issuer');
  });
});

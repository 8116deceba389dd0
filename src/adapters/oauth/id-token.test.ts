import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, exportJWK, SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { createIdTokenVerifier, idTokenProfileOf, idTokenSettingsOf, IdTokenError, nonceHashOf, type IdTokenSettings } from './id-token.js';

const ENV = {
  POSTGRES_CONNECTION: 'postgres://u@127.0.0.1:1/db',
  HASURA_GRAPHQL_JWT_SECRET: JSON.stringify({ type: 'HS256', key: 'k'.repeat(40) }),
  AUTH_ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });

const NOW = new Date('2030-01-01T00:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const SETTINGS: IdTokenSettings = { issuers: ['https://issuer.example'], audience: 'my-app', jwksUrl: 'https://issuer.example/jwks' };
const verifier = createIdTokenVerifier(SETTINGS, jwks);

function sign(claims: JWTPayload, options: { key?: typeof privateKey; alg?: string } = {}): Promise<string> {
  return new SignJWT({ iss: 'https://issuer.example', aud: 'my-app', sub: 'u1', email: 'a@example.org', iat: nowSeconds - 10, exp: nowSeconds + 300, ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: 'k1' })
    .sign(options.key ?? privateKey);
}

const refused = (token: Promise<string>, nonce = '') => expect(token.then((t) => verifier.verify(t, nonce, NOW))).rejects.toBeInstanceOf(IdTokenError);

describe('ID-token settings', () => {
  it('disables a provider whose audience is empty', () => {
    expect(idTokenSettingsOf(loadConfig(ENV), 'google')).toBeNull();
    expect(idTokenSettingsOf(loadConfig(ENV), 'apple')).toBeNull();
  });

  it("pins Apple's issuer and accepts both of Google's documented issuer spellings", () => {
    const config = loadConfig({ ...ENV, AUTH_PROVIDER_APPLE_AUDIENCE: 'com.example.app', AUTH_PROVIDER_GOOGLE_AUDIENCE: 'g.apps' });
    expect(idTokenSettingsOf(config, 'apple')).toEqual({ issuers: ['https://appleid.apple.com'], audience: 'com.example.app', jwksUrl: 'https://appleid.apple.com/auth/keys' });
    expect(idTokenSettingsOf(config, 'google')).toEqual({
      issuers: ['https://accounts.google.com', 'accounts.google.com'],
      audience: 'g.apps',
      jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
    });
  });

  it('reads the issuer and JWKS URL from their settings', () => {
    const config = loadConfig({ ...ENV, AUTH_PROVIDER_APPLE_AUDIENCE: 'a', AUTH_PROVIDER_APPLE_ISSUER: 'http://127.0.0.1:9/', AUTH_PROVIDER_APPLE_JWKS_URL: 'http://127.0.0.1:9/jwks' });
    expect(idTokenSettingsOf(config, 'apple')).toMatchObject({ issuers: ['http://127.0.0.1:9/'], jwksUrl: 'http://127.0.0.1:9/jwks' });
  });
});

describe('ID-token checks', () => {
  it('accepts a well-formed token and returns its claims', async () => {
    const claims = await verifier.verify(await sign({ aud: ['other', 'my-app'] }), '', NOW);
    expect(claims.sub).toBe('u1');
  });

  it('refuses another issuer, another audience, and a token signed by another key', async () => {
    await refused(sign({ iss: 'https://evil.example' }));
    await refused(sign({ aud: 'someone-else' }));
    await refused(sign({}, { key: other.privateKey }));
  });

  it('refuses HS256 and unsigned tokens', async () => {
    await refused(new SignJWT({ iss: 'https://issuer.example', aud: 'my-app', sub: 'u', exp: nowSeconds + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32)));
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ iss: 'https://issuer.example', aud: 'my-app', sub: 'u', exp: nowSeconds + 60 })).toString('base64url');
    await refused(Promise.resolve(`${header}.${body}.`));
    await refused(Promise.resolve('not-a-jwt'));
  });

  it('refuses an expired token with zero leeway, one without exp, and one issued in the future', async () => {
    await refused(sign({ exp: nowSeconds }));
    await refused(sign({ exp: undefined }));
    await refused(sign({ iat: nowSeconds + 1 }));
    await refused(sign({ nbf: nowSeconds + 1 }));
  });

  it("checks a token's nonce against the SHA-256 of the raw nonce, and skips tokens without one", async () => {
    const raw = 'raw-nonce-123';
    expect(nonceHashOf(raw)).toMatch(/^[0-9a-f]{64}$/);
    await expect(verifier.verify(await sign({ nonce: nonceHashOf(raw) }), raw, NOW)).resolves.toBeTruthy();
    await refused(sign({ nonce: raw }), raw);
    await refused(sign({ nonce: nonceHashOf(raw) }), 'other');
    // An absent request nonce counts as the empty string.
    await expect(verifier.verify(await sign({ nonce: nonceHashOf('') }), '', NOW)).resolves.toBeTruthy();
    await expect(verifier.verify(await sign({}), raw, NOW)).resolves.toBeTruthy();
  });
});

describe('ID-token profile', () => {
  it('maps sub, email, name and picture', () => {
    expect(idTokenProfileOf('google', { sub: 's', email: 'e@x.org', email_verified: true, name: 'N', picture: 'https://p/x.png' })).toMatchObject({
      id: 's',
      email: 'e@x.org',
      emailVerified: true,
      emailVerifiedClaim: true,
      displayName: 'N',
      avatarUrl: 'https://p/x.png',
    });
  });

  it('reads Apple\'s string booleans, but only booleans from Google', () => {
    expect(idTokenProfileOf('apple', { sub: 's', email: 'e@x.org', email_verified: 'true' })).toMatchObject({ emailVerified: true, emailVerifiedClaim: 'true' });
    expect(idTokenProfileOf('apple', { sub: 's', email: 'e@x.org', email_verified: 'false' }).emailVerified).toBe(false);
    expect(idTokenProfileOf('google', { sub: 's', email: 'e@x.org', email_verified: 'true' }).emailVerified).toBe(false);
    expect(idTokenProfileOf('google', { sub: 's', email: 'e@x.org' }).emailVerified).toBe(false);
  });

  it('requires string sub and email claims', () => {
    expect(() => idTokenProfileOf('google', { email: 'e@x.org' })).toThrow(IdTokenError);
    expect(() => idTokenProfileOf('google', { sub: 's' })).toThrow(IdTokenError);
    expect(() => idTokenProfileOf('google', { sub: 's', email: 42 })).toThrow(IdTokenError);
    expect(idTokenProfileOf('google', { sub: '', email: 'e@x.org' }).id).toBe('');
  });
});

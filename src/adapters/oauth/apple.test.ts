import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { APPLE_CLIENT_SECRET_LIFETIME_SECONDS, createAppleClientSecret } from './apple-client-secret.js';
import { appleDisplayName, appleProfileOf } from './apple.js';
import { ProviderProfileError } from './provider.js';
import { providerFor } from './registry.js';

const ENV = {
  POSTGRES_CONNECTION: 'postgres://u@127.0.0.1:1/db',
  HASURA_GRAPHQL_JWT_SECRET: JSON.stringify({ type: 'HS256', key: 'k'.repeat(40) }),
  AUTH_ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const input = { teamId: 'TEAM123456', keyId: 'KEY123', clientId: 'com.example.web', privateKeyPem: pem, audience: 'https://appleid.apple.com' };

describe('the Apple client secret', () => {
  it('is an ES256 JWT from the team for the Services ID, valid 180 days', async () => {
    const secret = createAppleClientSecret(input, () => 1_700_000_000_000)();
    expect(decodeProtectedHeader(secret)).toMatchObject({ alg: 'ES256', kid: 'KEY123' });
    const { payload } = await jwtVerify(secret, createPublicKey(privateKey), {
      issuer: 'TEAM123456',
      subject: 'com.example.web',
      audience: 'https://appleid.apple.com',
      currentDate: new Date(1_700_000_000_000),
    });
    expect(payload.exp! - payload.iat!).toBe(APPLE_CLIENT_SECRET_LIFETIME_SECONDS);
  });

  it('is reused, then signed afresh well before it expires', () => {
    let now = 1_700_000_000_000;
    const current = createAppleClientSecret(input, () => now);
    const first = current();
    now += 30 * 86_400_000;
    expect(current()).toBe(first);
    now += 60 * 86_400_000;
    const renewed = current();
    expect(renewed).not.toBe(first);
    const exp = (JSON.parse(Buffer.from(renewed.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    expect(exp * 1000).toBeGreaterThan(now + 89 * 86_400_000);
  });
});

describe('Apple profile mapping', () => {
  it('accepts email_verified as a boolean or as the strings Apple sends', () => {
    for (const [claim, verified] of [[true, true], ['true', true], [false, false], ['false', false], [undefined, false]] as const) {
      expect(appleProfileOf({ sub: 's', email: 'a@privaterelay.appleid.com', email_verified: claim }, {}).emailVerified).toBe(verified);
    }
  });

  it('refuses an ID token without an email claim, as the reference', () => {
    expect(() => appleProfileOf({ sub: 's' }, {})).toThrow(ProviderProfileError);
  });

  it('names the user from the first-consent user field, else by the address', () => {
    expect(appleDisplayName('a@example.com', undefined)).toBe('a@example.com');
    expect(appleDisplayName('a@example.com', '{"name":{"firstName":"Ada","lastName":"Lovelace"}}')).toBe('Ada Lovelace');
    expect(appleDisplayName('a@example.com', '{"name":{"lastName":"Lovelace"}}')).toBe('a@example.com Lovelace');
    expect(appleDisplayName('a@example.com', 'not json')).toBe('a@example.com');
  });

  it('sends the reference authorization URL with form_post and a nonce', async () => {
    const config = loadConfig({ ...ENV, AUTH_PROVIDER_APPLE_ENABLED: 'true', AUTH_PROVIDER_APPLE_CLIENT_ID: 'com.example.web', AUTH_PROVIDER_APPLE_TEAM_ID: 'T', AUTH_PROVIDER_APPLE_KEY_ID: 'K', AUTH_PROVIDER_APPLE_PRIVATE_KEY: pem.replaceAll('\n', '\\n') });
    const url = await providerFor(config, 'apple')!.authorizationUrl({ redirectUri: 'https://auth.example/cb', state: 'S', codeVerifier: 'v'.repeat(43), nonce: 'N', specificParams: {} });
    expect(url.origin + url.pathname).toBe('https://appleid.apple.com/auth/authorize');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ response_mode: 'form_post', response_type: 'code', scope: 'name email', nonce: 'N', client_id: 'com.example.web' });
  });
});

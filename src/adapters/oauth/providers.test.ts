import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { isEmailVerificationTrusted } from './email-trust.js';
import { chooseGithubEmail } from './github.js';
import { googleProfileOf } from './google.js';
import { ProviderProfileError } from './provider.js';
import { providerFor } from './registry.js';

const ENV = {
  POSTGRES_CONNECTION: 'postgres://u@127.0.0.1:1/db',
  HASURA_GRAPHQL_JWT_SECRET: JSON.stringify({ type: 'HS256', key: 'k'.repeat(40) }),
  AUTH_ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};

const start = { redirectUri: 'https://auth.example/signin/provider/x/callback', state: 'S', codeVerifier: 'v'.repeat(43), nonce: 'N', specificParams: {} };

describe('the provider registry', () => {
  it('builds nothing for a disabled provider', () => {
    expect(providerFor(loadConfig(ENV), 'github')).toBeNull();
  });

  it("builds the reference's sorted authorization URL, plus PKCE, from the configured endpoint", async () => {
    const config = loadConfig({ ...ENV, AUTH_PROVIDER_GITHUB_ENABLED: 'true', AUTH_PROVIDER_GITHUB_CLIENT_ID: 'id', AUTH_PROVIDER_GITHUB_AUTHORIZATION_URL: 'https://ghe.example/login/oauth/authorize?allow_signup=false' });
    const url = await providerFor(config, 'github')!.authorizationUrl(start);
    expect(url.origin + url.pathname).toBe('https://ghe.example/login/oauth/authorize');
    expect([...url.searchParams.keys()]).toEqual(['allow_signup', 'client_id', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'response_type', 'scope', 'state']);
    expect(url.searchParams.get('scope')).toBe('user:email');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });

  it("sends Google a nonce and the reference's default endpoint", async () => {
    const config = loadConfig({ ...ENV, AUTH_PROVIDER_GOOGLE_ENABLED: 'true', AUTH_PROVIDER_GOOGLE_CLIENT_ID: 'gid' });
    const url = await providerFor(config, 'google')!.authorizationUrl(start);
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/auth');
    expect(url.search).toContain('scope=openid+email+profile');
    expect(url.searchParams.get('nonce')).toBe('N');
  });
});

describe('GitHub e-mail choice', () => {
  it('takes the primary verified address, not the first listed', () => {
    const chosen = chooseGithubEmail([
      { email: 'old@example.com', verified: true, primary: false },
      { email: 'main@example.com', verified: true, primary: true },
    ]);
    expect(chosen.email).toBe('main@example.com');
  });

  it('falls back to the primary address when it is unverified, and fails on an empty list', () => {
    expect(chooseGithubEmail([{ email: 'a@example.com', verified: true, primary: false }, { email: 'p@example.com', verified: false, primary: true }]).email).toBe('p@example.com');
    expect(() => chooseGithubEmail([])).toThrow(ProviderProfileError);
  });
});

describe('Google profile mapping', () => {
  it('reads the v2 and the OpenID userinfo shapes', () => {
    expect(googleProfileOf({ id: '1', email: 'a@example.com', verified_email: true }, null)).toMatchObject({ id: '1', emailVerified: true });
    expect(googleProfileOf({ sub: '2', email: 'b@example.com', email_verified: true }, '2')).toMatchObject({ id: '2', emailVerified: true });
  });

  it('refuses a userinfo subject that differs from the ID token', () => {
    expect(() => googleProfileOf({ id: '1' }, '2')).toThrow(ProviderProfileError);
  });

  it('does not count the string "true" as verified', () => {
    expect(googleProfileOf({ id: '1', email: 'a@example.com', verified_email: 'true' }, null).emailVerified).toBe(false);
  });
});

describe('the e-mail trust table', () => {
  it.each([
    ['github', true, true],
    ['github', 'true', false],
    ['github', false, false],
    ['github', undefined, false],
    ['google', true, true],
    ['google', 'true', false],
    ['google', 'false', false],
    ['google', undefined, false],
    ['spotify', true, false],
    ['apple', true, true],
    ['apple', 'true', true],
    ['apple', 'false', false],
    ['apple', false, false],
    ['apple', undefined, false],
    ['azuread', true, false],
    ['entraid', true, false],
    ['workos', true, false],
    ['twitter', true, false],
  ] as const)('%s with claim %j → trusted %s', (provider, claim, trusted) => {
    expect(isEmailVerificationTrusted(provider, 'a@example.com', claim)).toBe(trusted);
  });

  it('never trusts an empty address', () => {
    expect(isEmailVerificationTrusted('google', '', true)).toBe(false);
  });
});

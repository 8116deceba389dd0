/**
 * The provider adapters against the fake provider over real HTTP: the protocol steps (client
 * authentication, PKCE, ID token checks) and the profile mapping, without our flows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerFor } from '../../../src/adapters/oauth/registry.js';
import { ProviderExchangeError, ProviderProfileError, type OAuthProvider } from '../../../src/adapters/oauth/provider.js';
import { loadConfig } from '../../../src/config/load.js';
import { BASE_ENV } from '../../support/app.js';
import type { FakeOAuthProvider } from '../../support/fake-oauth-provider.js';
import { githubAccount, googleAccount, startFakeGithub, startFakeGoogle, type FakeProviderSetup } from '../../support/fake-providers.js';

const REDIRECT_URI = 'http://127.0.0.1:4000/signin/provider/x/callback';
const flow = { redirectUri: REDIRECT_URI, codeVerifier: 'verifier-'.padEnd(50, 'x'), nonce: 'nonce-1' };

/** Runs the browser leg against the fake: authorization URL → code. */
async function codeFrom(provider: OAuthProvider, fake: FakeOAuthProvider): Promise<string> {
  const url = await provider.authorizationUrl({ ...flow, state: 'st', specificParams: {} });
  const response = await fetch(url, { redirect: 'manual' });
  const back = new URL(response.headers.get('location') ?? '');
  expect(back.searchParams.get('state')).toBe('st');
  expect(fake.authorizations.at(-1)?.get('redirect_uri')).toBe(REDIRECT_URI);
  return back.searchParams.get('code') ?? '';
}

describe.each([
  ['github', startFakeGithub],
  ['google', startFakeGoogle],
] as const)('%s adapter', (id, startFake) => {
  let setup: FakeProviderSetup;
  let provider: OAuthProvider;
  beforeAll(async () => {
    setup = await startFake();
    provider = providerFor(loadConfig({ ...BASE_ENV, ...setup.env }), id)!;
  });
  afterAll(() => setup.fake.close());

  it('exchanges the code with PKCE and the client authentication the provider wants, then reads the profile', async () => {
    const code = await codeFrom(provider, setup.fake);
    const tokens = await provider.exchangeCode({ code }, flow);
    const request = setup.fake.tokenRequests.at(-1)!;
    expect(request.body.get('code_verifier')).toBe(flow.codeVerifier);
    if (id === 'github') expect(request.body.get('client_secret')).toBe(setup.fake.clientSecret);
    else expect(request.authorization).toMatch(/^Basic /);
    expect(tokens.refreshToken).toMatch(/^rt-/);
    const profile = await provider.fetchProfile(tokens, {});
    expect(profile.id).toBe(setup.fake.account.sub);
    expect(profile.email).not.toBe('');
    expect(profile.emailVerified).toBe(true);
  });

  it('fails the exchange on a refused token request and on a reused code', async () => {
    const code = await codeFrom(provider, setup.fake);
    setup.fake.failNext('token', 400, { error: 'invalid_grant' });
    await expect(provider.exchangeCode({ code }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
    await expect(provider.exchangeCode({ code: 'never-issued' }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
  });

  it('fails the exchange when the PKCE verifier does not match', async () => {
    const code = await codeFrom(provider, setup.fake);
    await expect(provider.exchangeCode({ code }, { ...flow, codeVerifier: 'another-'.padEnd(50, 'y') })).rejects.toBeInstanceOf(ProviderExchangeError);
  });

  it('fails the profile when the provider answers an error', async () => {
    const tokens = await provider.exchangeCode({ code: await codeFrom(provider, setup.fake) }, flow);
    setup.fake.failNext(id === 'github' ? '/user/emails' : '/oauth2/v2/userinfo', 500);
    await expect(provider.fetchProfile(tokens, {})).rejects.toBeInstanceOf(ProviderProfileError);
  });

  it('refreshes with the refresh-token grant', async () => {
    const tokens = await provider.exchangeCode({ code: await codeFrom(provider, setup.fake) }, flow);
    const refreshed = await provider.refreshTokens!(tokens.refreshToken!);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
  });
});

describe('github profile', () => {
  it('uses the primary verified address of <profile URL>/emails', async () => {
    const setup = await startFakeGithub();
    const provider = providerFor(loadConfig({ ...BASE_ENV, ...setup.env }), 'github')!;
    setup.fake.account = githubAccount(7, [
      { email: 'first@example.com', verified: true, primary: false },
      { email: 'primary@example.com', verified: true, primary: true },
    ]);
    const tokens = await provider.exchangeCode({ code: await codeFrom(provider, setup.fake) }, flow);
    expect(await provider.fetchProfile(tokens, {})).toMatchObject({ id: '7', email: 'primary@example.com', emailVerified: true, displayName: 'GitHub User 7' });
    await setup.fake.close();
  });
});

describe('google ID token', () => {
  it('refuses an ID token whose nonce is not the one sent', async () => {
    const setup = await startFakeGoogle();
    const provider = providerFor(loadConfig({ ...BASE_ENV, ...setup.env }), 'google')!;
    setup.fake.account = googleAccount('g-2', 'x@example.com', true);
    const code = await codeFrom(provider, setup.fake);
    await expect(provider.exchangeCode({ code }, { ...flow, nonce: 'other-nonce' })).rejects.toBeInstanceOf(ProviderExchangeError);
    await setup.fake.close();
  });

  it('refuses an ID token signed by a key outside the configured JWKS', async () => {
    const setup = await startFakeGoogle();
    const other = await startFakeGoogle();
    const provider = providerFor(loadConfig({ ...BASE_ENV, ...setup.env, AUTH_PROVIDER_GOOGLE_JWKS_URL: `${other.fake.url}/jwks` }), 'google')!;
    const code = await codeFrom(provider, setup.fake);
    await expect(provider.exchangeCode({ code }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
    await Promise.all([setup.fake.close(), other.fake.close()]);
  });
});

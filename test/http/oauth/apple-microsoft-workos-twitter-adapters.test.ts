/**
 * The Apple, Azure AD, Entra ID, WorkOS and Twitter adapters against their doubles over real
 * HTTP (the providers' real paths, JSON shapes and client authentication), without our flows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderExchangeError, ProviderProfileError, type OAuthProvider } from '../../../src/adapters/oauth/provider.js';
import { providerFor } from '../../../src/adapters/oauth/registry.js';
import { loadConfig } from '../../../src/config/load.js';
import { BASE_ENV } from '../../support/app.js';
import type { FakeOAuthProvider } from '../../support/fake-oauth-provider.js';
import {
  appleAccount,
  microsoftAccount,
  startFakeApple,
  startFakeAzuread,
  startFakeEntraid,
  startFakeTwitter,
  startFakeWorkos,
  twitterAccount,
  twitterEnv,
  workosAccount,
  type FakeProviderSetup,
  type FakeTwitter,
} from '../../support/fake-providers.js';

const REDIRECT_URI = 'http://127.0.0.1:4000/signin/provider/x/callback';
const flow = { redirectUri: REDIRECT_URI, codeVerifier: 'verifier-'.padEnd(50, 'x'), nonce: 'nonce-1' };
const start = (specificParams: Record<string, string> = {}) => ({ ...flow, state: 'st', specificParams });

const providerOf = (setup: FakeProviderSetup | Record<string, string>, id: Parameters<typeof providerFor>[1], extra: Record<string, string> = {}): OAuthProvider => {
  const env: Record<string, string> = 'fake' in setup && typeof setup.fake === 'object' ? (setup as FakeProviderSetup).env : (setup as Record<string, string>);
  return providerFor(loadConfig({ ...BASE_ENV, ...env, ...extra }), id)!;
};

/** The browser leg: a redirect back with the query, or (form_post) the fields of the auto-submitted form. */
async function answerOf(provider: OAuthProvider, specificParams: Record<string, string> = {}): Promise<Record<string, string>> {
  const url = await provider.authorizationUrl(start(specificParams));
  const response = await fetch(url, { redirect: 'manual' });
  if (response.status === 302) return Object.fromEntries(new URL(response.headers.get('location') ?? '').searchParams);
  const html = await response.text();
  expect(html).toContain(`action="${REDIRECT_URI}"`);
  return Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replaceAll('&#34;', '"')]));
}

describe('Apple adapter', () => {
  let setup: FakeProviderSetup;
  let provider: OAuthProvider;
  beforeAll(async () => {
    setup = await startFakeApple();
    provider = providerOf(setup, 'apple');
  });
  afterAll(() => setup.fake.close());

  it('posts the answer as a form, pays with our signed client secret, and reads the validated ID token and the first-consent name', async () => {
    setup.fake.account = appleAccount('000777.apple', 'ada@privaterelay.appleid.com', 'true', { firstName: 'Ada', lastName: 'Lovelace' });
    const answer = await answerOf(provider);
    expect(answer).toMatchObject({ state: 'st' });
    expect(setup.fake.authorizations.at(-1)?.get('response_mode')).toBe('form_post');
    const tokens = await provider.exchangeCode({ code: answer['code'] }, flow);
    const request = setup.fake.tokenRequests.at(-1)!;
    expect(request.body.get('client_secret')?.split('.')).toHaveLength(3);
    expect(request.authorization).toBeUndefined();
    expect(tokens.idTokenClaims).toMatchObject({ sub: '000777.apple', nonce: 'nonce-1' });
    const profile = await provider.fetchProfile(tokens, { user: answer['user'] });
    expect(profile).toMatchObject({ id: '000777.apple', email: 'ada@privaterelay.appleid.com', emailVerified: true, emailVerifiedClaim: 'true', displayName: 'Ada Lovelace' });
  });

  it('names a returning user (no user field) by the address, and reads a boolean email_verified', async () => {
    setup.fake.account = appleAccount('000778.apple', 'back@example.com', false);
    const answer = await answerOf(provider);
    expect(answer['user']).toBeUndefined();
    const profile = await provider.fetchProfile(await provider.exchangeCode({ code: answer['code'] }, flow), {});
    expect(profile).toMatchObject({ displayName: 'back@example.com', emailVerified: false });
  });

  it('is refused by the token endpoint when the client secret is signed by another key', async () => {
    const other = await startFakeApple();
    const wrongKey = providerOf(setup, 'apple', { AUTH_PROVIDER_APPLE_PRIVATE_KEY: other.env['AUTH_PROVIDER_APPLE_PRIVATE_KEY']! });
    const answer = await answerOf(wrongKey);
    await expect(wrongKey.exchangeCode({ code: answer['code'] }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
    expect(setup.fake.tokenRequests.length).toBeGreaterThan(0);
    await other.fake.close();
  });

  it('refuses an ID token with another nonce, from another issuer, or signed outside the configured JWKS', async () => {
    await expect(provider.exchangeCode({ code: (await answerOf(provider))['code'] }, { ...flow, nonce: 'other' })).rejects.toBeInstanceOf(ProviderExchangeError);
    const otherIssuer = providerOf(setup, 'apple', { AUTH_PROVIDER_APPLE_ISSUER: 'https://appleid.apple.com' });
    await expect(otherIssuer.exchangeCode({ code: (await answerOf(otherIssuer))['code'] }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
    const other = await startFakeApple();
    const otherKeys = providerOf(setup, 'apple', { AUTH_PROVIDER_APPLE_JWKS_URL: `${other.fake.url}/auth/keys` });
    await expect(otherKeys.exchangeCode({ code: (await answerOf(otherKeys))['code'] }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
    await other.fake.close();
  });

  it('fails the profile when the ID token has no email claim', async () => {
    setup.fake.account = appleAccount('000779.apple', undefined, undefined);
    const tokens = await provider.exchangeCode({ code: (await answerOf(provider))['code'] }, flow);
    await expect(provider.fetchProfile(tokens, {})).rejects.toBeInstanceOf(ProviderProfileError);
  });
});

describe.each([
  ['azuread', () => startFakeAzuread('contoso.example'), '/contoso.example/openid/userinfo'],
  ['entraid', () => startFakeEntraid('organizations'), '/oidc/userinfo'],
] as const)('%s adapter', (id, startFake, userinfoPath) => {
  let setup: FakeProviderSetup;
  let provider: OAuthProvider;
  beforeAll(async () => {
    setup = await startFake();
    provider = providerOf(setup, id);
  });
  afterAll(() => setup.fake.close());

  it("uses the tenant's endpoints, ignores the tenant-issued ID token and reads userinfo", async () => {
    const tokens = await provider.exchangeCode({ code: (await answerOf(provider))['code'] }, flow);
    const request = setup.fake.tokenRequests.at(-1)!;
    expect(request.body.get('client_secret')).toBe(setup.fake.clientSecret);
    expect(request.body.has('code_verifier')).toBe(id === 'entraid');
    expect(tokens.idTokenClaims).toBeNull();
    const profile = await provider.fetchProfile(tokens, {});
    if (id === 'azuread') expect(profile).toMatchObject({ id: setup.fake.account.sub, email: 'ada@contoso.example', emailVerified: true, displayName: 'Ada Lovelace' });
    else expect(profile).toMatchObject({ id: setup.fake.account.sub, email: 'grace@contoso.example', emailVerified: true, displayName: 'Grace Hopper' });
    if (id === 'azuread') expect(setup.fake.authorizations.at(-1)?.get('prompt')).toBe('select_account');
  });

  it('gives a user without an address an empty, unverified e-mail', async () => {
    setup.fake.account = microsoftAccount('no-mail-1', { name: 'Nobody' });
    const tokens = await provider.exchangeCode({ code: (await answerOf(provider))['code'] }, flow);
    expect(await provider.fetchProfile(tokens, {})).toMatchObject({ id: 'no-mail-1', email: '', emailVerified: false });
  });

  it('fails the exchange on a refused token request and the profile on a userinfo error', async () => {
    const code = (await answerOf(provider))['code'];
    setup.fake.failNext('token', 400, { error: 'invalid_grant' });
    await expect(provider.exchangeCode({ code }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
    const tokens = await provider.exchangeCode({ code: (await answerOf(provider))['code'] }, flow);
    setup.fake.failNext(userinfoPath, 401, { error: 'invalid_token' });
    await expect(provider.fetchProfile(tokens, {})).rejects.toBeInstanceOf(ProviderProfileError);
  });
});

describe('WorkOS adapter', () => {
  let setup: FakeProviderSetup;
  let provider: OAuthProvider;
  beforeAll(async () => {
    setup = await startFakeWorkos();
    provider = providerOf(setup, 'workos');
  });
  afterAll(() => setup.fake.close());

  it('sends the configured organization, pays in the body, and reads the profile of the token response', async () => {
    setup.fake.account = workosAccount('prof_1', 'k@corp.example');
    const tokens = await provider.exchangeCode({ code: (await answerOf(provider))['code'] }, flow);
    expect(setup.fake.authorizations.at(-1)?.get('organization')).toBe('org_01EHZNVPK3SFK441A1RGBFSHRT');
    expect(setup.fake.tokenRequests.at(-1)?.body.get('client_secret')).toBe(setup.fake.clientSecret);
    expect(await provider.fetchProfile(tokens, {})).toMatchObject({ id: 'prof_1', email: 'k@corp.example', emailVerified: true, displayName: 'Katherine Johnson' });
  });

  it('lets providerSpecificParams pick the connection', async () => {
    await answerOf(provider, { connection: 'conn_2', organization: 'org_2' });
    expect(Object.fromEntries(setup.fake.authorizations.at(-1)!)).toMatchObject({ connection: 'conn_2', organization: 'org_2' });
  });

  it('fails the exchange on a refused code', async () => {
    await expect(provider.exchangeCode({ code: 'never-issued' }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
    setup.fake.failNext('token', 500);
    await expect(provider.exchangeCode({ code: (await answerOf(provider))['code'] }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
  });
});

describe('Twitter adapter (OAuth 1.0a)', () => {
  let fake: FakeTwitter;
  let provider: OAuthProvider;
  beforeAll(async () => {
    fake = await startFakeTwitter();
    provider = providerOf(twitterEnv(fake), 'twitter');
  });
  afterAll(() => fake.close());

  /** Start + the browser at Twitter → the callback's query and what the flow keeps. */
  async function authorize(): Promise<{ callback: URL; providerSecret: string }> {
    const { url, providerSecret } = await provider.beginAuthorization!(start());
    const response = await fetch(url, { redirect: 'manual' });
    return { callback: new URL(response.headers.get('location') ?? ''), providerSecret };
  }

  it('signs every call, keeps the request-token secret out of the browser and reads verify_credentials with the e-mail', async () => {
    fake.account = twitterAccount('2244994945', 'dev@example.com');
    const { callback, providerSecret } = await authorize();
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe('st');
    const requestSecret = (JSON.parse(providerSecret) as { secret: string }).secret;
    expect(callback.toString()).not.toContain(requestSecret);
    const params = { oauth_token: callback.searchParams.get('oauth_token') ?? undefined, oauth_verifier: callback.searchParams.get('oauth_verifier') ?? undefined };
    const tokens = await provider.exchangeCode(params, { ...flow, providerSecret });
    const profile = await provider.fetchProfile(tokens, params);
    expect(profile).toMatchObject({ id: '2244994945', email: 'dev@example.com', emailVerified: true, displayName: 'Twitter User 2244994945' });
    expect(profile.avatarUrl).toMatch(/^https:\/\/pbs\.twimg/);
    expect(fake.calls.map((c) => [c.path, c.isSignatureValid])).toEqual(
      expect.arrayContaining([
        ['/oauth/request_token', true],
        ['/oauth/access_token', true],
        ['/1.1/account/verify_credentials.json', true],
      ]),
    );
    expect(fake.calls.find((c) => c.path === '/oauth/request_token')?.oauth['oauth_callback']).toBe(`${REDIRECT_URI}?state=st`);
  });

  it('gives an account without a shared address an empty, unverified e-mail', async () => {
    fake.account = twitterAccount('42');
    const { callback, providerSecret } = await authorize();
    const params = { oauth_token: callback.searchParams.get('oauth_token')!, oauth_verifier: callback.searchParams.get('oauth_verifier')! };
    expect(await provider.fetchProfile(await provider.exchangeCode(params, { ...flow, providerSecret }), params)).toMatchObject({ id: '42', email: '', emailVerified: false });
  });

  it("refuses a callback whose oauth_token is another flow's request token", async () => {
    const mine = await authorize();
    const theirs = await authorize();
    const params = { oauth_token: theirs.callback.searchParams.get('oauth_token')!, oauth_verifier: theirs.callback.searchParams.get('oauth_verifier')! };
    await expect(provider.exchangeCode(params, { ...flow, providerSecret: mine.providerSecret })).rejects.toBeInstanceOf(ProviderProfileError);
  });

  it('fails (as a profile failure, like the reference) when the user denied access or Twitter refuses the verifier', async () => {
    fake.denyNext();
    const denied = await authorize();
    expect(denied.callback.searchParams.has('denied')).toBe(true);
    await expect(provider.exchangeCode({}, { ...flow, providerSecret: denied.providerSecret })).rejects.toBeInstanceOf(ProviderProfileError);
    const { callback, providerSecret } = await authorize();
    await expect(provider.exchangeCode({ oauth_token: callback.searchParams.get('oauth_token')!, oauth_verifier: 'wrong' }, { ...flow, providerSecret })).rejects.toBeInstanceOf(ProviderProfileError);
  });

  it('cannot start when Twitter does not confirm the callback or fails the request-token call', async () => {
    fake.unconfirmNext();
    await expect(provider.beginAuthorization!(start())).rejects.toThrow(/confirmed/);
    fake.failNext('/oauth/request_token', 503);
    await expect(provider.authorizationUrl(start())).rejects.toThrow();
  });

  it('fails the profile when verify_credentials answers an error', async () => {
    const { callback, providerSecret } = await authorize();
    const params = { oauth_token: callback.searchParams.get('oauth_token')!, oauth_verifier: callback.searchParams.get('oauth_verifier')! };
    const tokens = await provider.exchangeCode(params, { ...flow, providerSecret });
    fake.failNext('/1.1/account/verify_credentials.json', 429);
    await expect(provider.fetchProfile(tokens, params)).rejects.toBeInstanceOf(ProviderProfileError);
  });
});

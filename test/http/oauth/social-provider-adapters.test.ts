/**
 * The nine social OAuth 2 adapters (linkedin, discord, spotify, twitch, gitlab, bitbucket, strava,
 * facebook, windowslive) against their fake providers over real HTTP, without our flows: client
 * authentication as each provider documents it, PKCE only where supported, the profile mapping
 * (incl. missing e-mail and name), and token, profile and subject-id failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderExchangeError, ProviderProfileError, type OAuthProvider, type ProviderProfile } from '../../../src/adapters/oauth/provider.js';
import { providerFor } from '../../../src/adapters/oauth/registry.js';
import { loadConfig } from '../../../src/config/load.js';
import type { ProviderId } from '../../../src/config/types.js';
import { BASE_ENV } from '../../support/app.js';
import type { FakeAccount, FakeOAuthProvider } from '../../support/fake-oauth-provider.js';
import {
  socialAccount,
  startFakeBitbucket,
  startFakeDiscord,
  startFakeFacebook,
  startFakeGitlab,
  startFakeLinkedin,
  startFakeSpotify,
  startFakeStrava,
  startFakeTwitch,
  startFakeWindowslive,
  type FakeProviderSetup,
} from '../../support/fake-providers.js';

const REDIRECT_URI = 'http://127.0.0.1:4000/signin/provider/x/callback';
const flow = { redirectUri: REDIRECT_URI, codeVerifier: 'verifier-'.padEnd(50, 'x'), nonce: 'nonce-1' };

/** One account given to the fake and the profile the adapter must make of it. */
interface MappingCase {
  account: FakeAccount;
  /** The profile, or 'fails' when the adapter must refuse it. */
  expected: Partial<ProviderProfile> | 'fails';
}

interface AdapterCase {
  id: ProviderId;
  start: () => Promise<FakeProviderSetup>;
  clientAuth: 'basic' | 'post';
  usesPkce: boolean;
  /** The profile route whose failure fails the profile. */
  profilePath: string;
  full: MappingCase;
  withoutEmail: MappingCase;
  withoutName: MappingCase;
}

const CASES: AdapterCase[] = [
  {
    id: 'linkedin',
    start: startFakeLinkedin,
    clientAuth: 'post',
    usesPkce: false,
    profilePath: '/v2/userinfo',
    full: {
      account: socialAccount('li-1', 'ada@example.com', true, { name: 'Ada Lovelace', picture: 'https://media.example/ada.jpg' }),
      expected: { id: 'li-1', email: 'ada@example.com', emailVerified: true, emailVerifiedClaim: true, displayName: 'Ada Lovelace', avatarUrl: 'https://media.example/ada.jpg' },
    },
    // The reference counts any address as verified; the raw claim (false here) is what trust reads.
    withoutEmail: { account: socialAccount('li-2', undefined), expected: { id: 'li-2', email: '', emailVerified: false, displayName: 'User li-2' } },
    withoutName: {
      account: socialAccount('li-3', 'anon@example.com', false, { name: undefined }),
      expected: { email: 'anon@example.com', emailVerified: true, emailVerifiedClaim: false, displayName: 'anon@example.com' },
    },
  },
  {
    id: 'discord',
    start: startFakeDiscord,
    clientAuth: 'basic',
    usesPkce: true,
    profilePath: '/api/users/@me',
    full: {
      account: socialAccount('8035', 'nelly@example.com', true, { username: 'nelly', discriminator: '1337', avatar: 'cafe' }),
      expected: { id: '8035', email: 'nelly@example.com', emailVerified: true, emailVerifiedClaim: true, displayName: 'nelly#1337', avatarUrl: 'https://cdn.discordapp.com/avatars/8035/cafe.png' },
    },
    withoutEmail: { account: socialAccount('8036', undefined, false), expected: { id: '8036', email: '', emailVerified: false, emailVerifiedClaim: false } },
    // The reference's mapping: no fallback, and an avatar URL even without an avatar.
    withoutName: {
      account: socialAccount('8037', 'x@example.com', false, { username: '', discriminator: '0', avatar: null }),
      expected: { displayName: '#0', avatarUrl: 'https://cdn.discordapp.com/avatars/8037/.png', emailVerified: true, emailVerifiedClaim: false },
    },
  },
  {
    id: 'spotify',
    start: startFakeSpotify,
    clientAuth: 'basic',
    usesPkce: true,
    profilePath: '/v1/me',
    full: {
      account: socialAccount('wizzler', 'wiz@example.com', undefined, { name: 'Wizzler', images: [{ url: 'https://i.example/w.jpg' }, { url: 'https://i.example/w2.jpg' }] }),
      expected: { id: 'wizzler', email: 'wiz@example.com', emailVerified: true, emailVerifiedClaim: undefined, displayName: 'Wizzler', avatarUrl: 'https://i.example/w.jpg' },
    },
    withoutEmail: { account: socialAccount('quiet', undefined), expected: { id: 'quiet', email: '', emailVerified: false } },
    withoutName: { account: socialAccount('noname', 'n@example.com', undefined, { name: undefined, images: [] }), expected: { displayName: '', avatarUrl: '' } },
  },
  {
    id: 'twitch',
    start: startFakeTwitch,
    clientAuth: 'post',
    usesPkce: false,
    profilePath: '/helix/users',
    full: {
      account: socialAccount('141981764', 'streamer@example.com', undefined, { name: 'TwitchDev' }),
      expected: { id: '141981764', email: 'streamer@example.com', emailVerified: true, displayName: 'TwitchDev', avatarUrl: 'https://static-cdn.jtvnw.example/141981764.png' },
    },
    withoutEmail: { account: socialAccount('2', undefined), expected: { id: '2', email: '', emailVerified: false } },
    withoutName: { account: socialAccount('3', 's@example.com', undefined, { name: undefined }), expected: { displayName: '' } },
  },
  {
    id: 'gitlab',
    start: startFakeGitlab,
    clientAuth: 'basic',
    usesPkce: true,
    profilePath: '/gitlab/api/v4/user',
    full: {
      account: socialAccount('4242', 'dev@example.com', true, { name: 'Dev Eloper' }),
      expected: { id: '4242', email: 'dev@example.com', emailVerified: true, emailVerifiedClaim: undefined, displayName: 'Dev Eloper', avatarUrl: 'https://gitlab.example/uploads/4242.png' },
    },
    withoutEmail: { account: socialAccount('4243', undefined), expected: { id: '4243', email: '', emailVerified: false } },
    withoutName: { account: socialAccount('4244', 'd@example.com', undefined, { name: undefined }), expected: { displayName: '' } },
  },
  {
    id: 'bitbucket',
    start: startFakeBitbucket,
    clientAuth: 'basic',
    usesPkce: false,
    profilePath: '/2.0/user/emails',
    full: {
      account: socialAccount('{aaaa-1}', undefined, undefined, {
        name: 'Bit Bucket',
        emails: [
          { email: 'unconfirmed@example.com', is_confirmed: false, is_primary: true },
          { email: 'confirmed@example.com', is_confirmed: true, is_primary: false },
        ],
      }),
      expected: { id: '{aaaa-1}', email: 'confirmed@example.com', emailVerified: true, emailVerifiedClaim: true, displayName: 'Bit Bucket', avatarUrl: 'https://avatar-management.example/{aaaa-1}/128' },
    },
    // No address at all is a profile failure in the reference.
    withoutEmail: { account: socialAccount('{aaaa-2}', undefined), expected: 'fails' },
    // Nothing confirmed: the first entry, still "verified" by the reference's rule but not by its claim.
    withoutName: {
      account: socialAccount('{aaaa-3}', 'only@example.com', false, { name: undefined }),
      expected: { email: 'only@example.com', emailVerified: true, emailVerifiedClaim: false, displayName: '' },
    },
  },
  {
    id: 'strava',
    start: startFakeStrava,
    clientAuth: 'post',
    usesPkce: false,
    profilePath: '/api/v3/athlete',
    full: {
      account: socialAccount('134815', undefined, undefined, { firstname: 'Marianne', lastname: 'Vos' }),
      expected: { id: '134815', email: '', emailVerified: false, displayName: 'Marianne Vos', avatarUrl: 'https://dgalywyr863hv.example/134815/medium.jpg' },
    },
    // Strava never gives an address, even when the account has one.
    withoutEmail: { account: socialAccount('134816', 'rider@example.com', true), expected: { id: '134816', email: '', emailVerified: false } },
    withoutName: { account: socialAccount('134817', undefined, undefined, { firstname: '', lastname: '' }), expected: { displayName: ' ' } },
  },
  {
    id: 'facebook',
    start: startFakeFacebook,
    clientAuth: 'post',
    usesPkce: false,
    profilePath: '/me',
    full: {
      account: socialAccount('1015', 'friend@example.com', undefined, { name: 'Face Book' }),
      expected: { id: '1015', email: 'friend@example.com', emailVerified: true, displayName: 'Face Book', avatarUrl: 'https://platform-lookaside.fbsbx.example/1015' },
    },
    withoutEmail: { account: socialAccount('1016', undefined), expected: { id: '1016', email: '', emailVerified: false } },
    withoutName: { account: socialAccount('1017', 'f@example.com', undefined, { name: undefined }), expected: { displayName: '' } },
  },
  {
    id: 'windowslive',
    start: startFakeWindowslive,
    clientAuth: 'post',
    usesPkce: false,
    profilePath: '/v5.0/me',
    full: {
      account: socialAccount('8c8c', 'account@example.com', undefined, { name: 'Bill Gates', preferred: 'preferred@example.com' }),
      expected: { id: '8c8c', email: 'preferred@example.com', emailVerified: true, displayName: 'Bill Gates', avatarUrl: 'https://apis.live.example/8c8c/picture' },
    },
    withoutEmail: { account: socialAccount('8c8d', undefined), expected: { id: '8c8d', email: '', emailVerified: false } },
    withoutName: { account: socialAccount('8c8e', 'l@example.com', undefined, { name: '' }), expected: { email: 'l@example.com', displayName: ' ' } },
  },
];

/** Runs the browser leg against the fake: authorization URL → code. */
async function codeFrom(provider: OAuthProvider, fake: FakeOAuthProvider): Promise<string> {
  const url = await provider.authorizationUrl({ ...flow, state: 'st', specificParams: {} });
  const response = await fetch(url, { redirect: 'manual' });
  const back = new URL(response.headers.get('location') ?? '');
  expect(back.searchParams.get('state')).toBe('st');
  return back.searchParams.get('code') ?? '';
}

describe.each(CASES)('$id adapter', (c) => {
  let setup: FakeProviderSetup;
  let provider: OAuthProvider;
  beforeAll(async () => {
    setup = await c.start();
    provider = providerFor(loadConfig({ ...BASE_ENV, ...setup.env }), c.id)!;
  });
  afterAll(() => setup.fake.close());

  async function profileOf(account: FakeAccount): Promise<ProviderProfile> {
    setup.fake.account = account;
    const tokens = await provider.exchangeCode({ code: await codeFrom(provider, setup.fake) }, flow);
    return provider.fetchProfile(tokens, {});
  }

  async function expectMapping(m: MappingCase): Promise<void> {
    if (m.expected === 'fails') await expect(profileOf(m.account)).rejects.toBeInstanceOf(ProviderProfileError);
    else expect(await profileOf(m.account)).toMatchObject(m.expected);
  }

  it(`authenticates at the token endpoint with ${c.clientAuth} credentials and ${c.usesPkce ? 'PKCE' : 'no PKCE'}`, async () => {
    const code = await codeFrom(provider, setup.fake);
    expect(setup.fake.authorizations.at(-1)?.has('code_challenge')).toBe(c.usesPkce);
    await provider.exchangeCode({ code }, flow);
    const request = setup.fake.tokenRequests.at(-1)!;
    expect(request.body.get('grant_type')).toBe('authorization_code');
    expect(request.body.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(request.body.get('code_verifier')).toBe(c.usesPkce ? flow.codeVerifier : null);
    if (c.clientAuth === 'basic') {
      expect(request.authorization).toMatch(/^Basic /);
      expect(request.body.has('client_secret')).toBe(false);
    } else {
      expect(request.authorization).toBeUndefined();
      expect(request.body.get('client_secret')).toBe(setup.fake.clientSecret);
    }
  });

  it('maps a complete profile', () => expectMapping(c.full));
  it('maps a profile without an e-mail address', () => expectMapping(c.withoutEmail));
  it('maps a profile without a name', () => expectMapping(c.withoutName));

  it('refuses a profile without a subject id', async () => {
    await expect(profileOf({ ...c.full.account, omitId: true })).rejects.toBeInstanceOf(ProviderProfileError);
  });

  it('fails the exchange when the provider refuses the token request or the client credentials', async () => {
    const code = await codeFrom(provider, setup.fake);
    setup.fake.failNext('token', 400, { error: 'invalid_grant' });
    await expect(provider.exchangeCode({ code }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
    const secretEnv = Object.keys(setup.env).find((k) => k.endsWith('_CLIENT_SECRET'))!;
    const wrong = providerFor(loadConfig({ ...BASE_ENV, ...setup.env, [secretEnv]: 'not-the-secret' }), c.id)!;
    await expect(wrong.exchangeCode({ code: await codeFrom(wrong, setup.fake) }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
  });

  it('fails the profile when the provider answers an error', async () => {
    setup.fake.account = c.full.account;
    const tokens = await provider.exchangeCode({ code: await codeFrom(provider, setup.fake) }, flow);
    setup.fake.failNext(c.profilePath, 500);
    await expect(provider.fetchProfile(tokens, {})).rejects.toBeInstanceOf(ProviderProfileError);
  });

  it('refreshes with the refresh-token grant', async () => {
    const tokens = await provider.exchangeCode({ code: await codeFrom(provider, setup.fake) }, flow);
    const refreshed = await provider.refreshTokens!(tokens.refreshToken!);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
  });
});

describe('provider quirks over HTTP', () => {
  it('twitch: sends the Client-Id header Helix requires (the fake refuses a mismatching one) and fails on an empty data list', async () => {
    const setup = await startFakeTwitch();
    const config = loadConfig({ ...BASE_ENV, ...setup.env });
    const provider = providerFor(config, 'twitch')!;
    const tokens = await provider.exchangeCode({ code: await codeFrom(provider, setup.fake) }, flow);
    const other = providerFor(loadConfig({ ...BASE_ENV, ...setup.env, AUTH_PROVIDER_TWITCH_CLIENT_ID: 'another-client' }), 'twitch')!;
    await expect(other.fetchProfile(tokens, {})).rejects.toBeInstanceOf(ProviderProfileError);
    setup.fake.account = socialAccount('9', 'x@example.com', undefined, { noUser: true });
    const emptyTokens = await provider.exchangeCode({ code: await codeFrom(provider, setup.fake) }, flow);
    await expect(provider.fetchProfile(emptyTokens, {})).rejects.toThrow(/no user/);
    await setup.fake.close();
  });

  it('linkedin: refuses an ID token from another issuer than the configured one', async () => {
    const setup = await startFakeLinkedin();
    const provider = providerFor(loadConfig({ ...BASE_ENV, ...setup.env, AUTH_PROVIDER_LINKEDIN_ISSUER: 'https://www.linkedin.com/oauth' }), 'linkedin')!;
    await expect(provider.exchangeCode({ code: await codeFrom(provider, setup.fake) }, flow)).rejects.toBeInstanceOf(ProviderExchangeError);
    await setup.fake.close();
  });

  it('facebook: asks Graph for the fields it maps, keeping fields already in the configured URL', async () => {
    const setup = await startFakeFacebook();
    setup.fake.account = socialAccount('77', 'f@example.com', undefined, { name: 'F B' });
    const custom = providerFor(loadConfig({ ...BASE_ENV, ...setup.env, AUTH_PROVIDER_FACEBOOK_USER_PROFILE_URL: `${setup.fake.url}/me?fields=id,email` }), 'facebook')!;
    const tokens = await custom.exchangeCode({ code: await codeFrom(custom, setup.fake) }, flow);
    expect(await custom.fetchProfile(tokens, {})).toMatchObject({ id: '77', email: 'f@example.com', displayName: '' });
    await setup.fake.close();
  });

  it('gitlab: a self-hosted instance works through the three endpoint settings', async () => {
    const setup = await startFakeGitlab();
    expect(setup.env['AUTH_PROVIDER_GITLAB_USER_PROFILE_URL']).toMatch(/\/gitlab\/api\/v4\/user$/);
    const provider = providerFor(loadConfig({ ...BASE_ENV, ...setup.env }), 'gitlab')!;
    const url = await provider.authorizationUrl({ ...flow, state: 's', specificParams: {} });
    expect(url.origin).toBe(setup.fake.url);
    await setup.fake.close();
  });
});

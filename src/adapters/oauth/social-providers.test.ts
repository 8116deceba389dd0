import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { ProviderId } from '../../config/types.js';
import { chooseBitbucketEmail } from './bitbucket.js';
import { discordProfileOf } from './discord.js';
import { isEmailVerificationTrusted } from './email-trust.js';
import { facebookProfileOf, facebookProfileUrl } from './facebook.js';
import { linkedinProfileOf } from './linkedin.js';
import { ProviderProfileError } from './provider.js';
import { providerFor } from './registry.js';
import { stravaProfileOf } from './strava.js';
import { scopeAsString } from './token-response.js';
import { twitchProfileOf } from './twitch.js';
import { windowsliveProfileOf } from './windowslive.js';

const ENV = {
  POSTGRES_CONNECTION: 'postgres://u@127.0.0.1:1/db',
  HASURA_GRAPHQL_JWT_SECRET: JSON.stringify({ type: 'HS256', key: 'k'.repeat(40) }),
  AUTH_ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
};
const start = { redirectUri: 'https://auth.example/signin/provider/x/callback', state: 'S', codeVerifier: 'v'.repeat(43), nonce: 'N', specificParams: {} };

describe("the social providers' default endpoints and scopes (PROVIDERS.md §6)", () => {
  it.each([
    ['linkedin', 'LINKEDIN', 'https://www.linkedin.com/oauth/v2/authorization', 'openid profile email'],
    ['discord', 'DISCORD', 'https://discord.com/api/oauth2/authorize', 'identify email'],
    ['spotify', 'SPOTIFY', 'https://accounts.spotify.com/authorize', 'user-read-email user-read-private'],
    ['twitch', 'TWITCH', 'https://id.twitch.tv/oauth2/authorize', 'user:read:email'],
    ['gitlab', 'GITLAB', 'https://gitlab.com/oauth/authorize', 'read_user'],
    ['bitbucket', 'BITBUCKET', 'https://bitbucket.org/site/oauth2/authorize', 'account'],
    ['strava', 'STRAVA', 'https://www.strava.com/api/v3/oauth/authorize', 'profile:read_all'],
    ['facebook', 'FACEBOOK', 'https://www.facebook.com/v22.0/dialog/oauth', 'email'],
    ['windowslive', 'WINDOWS_LIVE', 'https://login.live.com/oauth20_authorize.srf', 'wl.basic wl.emails'],
  ] as const)('%s sends the browser to %s with its default scopes', async (id, token, authorizationUrl, scope) => {
    const config = loadConfig({ ...ENV, [`AUTH_PROVIDER_${token}_ENABLED`]: 'true', [`AUTH_PROVIDER_${token}_CLIENT_ID`]: 'cid' });
    const url = await providerFor(config, id)!.authorizationUrl(start);
    expect(url.origin + url.pathname).toBe(authorizationUrl);
    expect(url.searchParams.get('scope')).toBe(scope);
    expect(url.searchParams.get('approval_prompt')).toBe(id === 'strava' ? 'force' : null);
    expect(url.searchParams.has('nonce')).toBe(false);
  });

  it('keeps the reference URLs as the defaults of the token and profile settings', () => {
    const { providers } = loadConfig(ENV);
    expect(providers.facebook.tokenUrl).toBe('https://graph.facebook.com/v22.0/oauth/access_token');
    expect(providers.facebook.userProfileUrl).toBe('https://graph.facebook.com/me?fields=id,name,email,picture');
    expect(providers.twitch.userProfileUrl).toBe('https://api.twitch.tv/helix/users');
    expect(providers.bitbucket.userProfileUrl).toBe('https://api.bitbucket.org/2.0/user');
    expect(providers.linkedin.issuer).toBe('https://www.linkedin.com/oauth');
    expect(providers.windowslive.tokenUrl).toBe('https://login.live.com/oauth20_token.srf');
  });
});

describe('social profile mappings', () => {
  it('linkedin joins whichever of given and family name exist, else uses the address', () => {
    expect(linkedinProfileOf({ sub: 's', email: 'a@example.com', family_name: 'Solo' }).displayName).toBe('Solo');
    expect(linkedinProfileOf({ sub: 's', email: 'a@example.com' }).displayName).toBe('a@example.com');
  });

  it('discord builds the avatar URL even without an avatar, as the reference does', () => {
    expect(discordProfileOf({ id: '1', username: 'u', discriminator: '0', avatar: null }).avatarUrl).toBe('https://cdn.discordapp.com/avatars/1/.png');
  });

  it('twitch refuses an empty data list', () => {
    expect(() => twitchProfileOf({ data: [] })).toThrow(ProviderProfileError);
    expect(() => twitchProfileOf({})).toThrow(ProviderProfileError);
  });

  it('bitbucket takes the first confirmed address, else the first, and fails on none', () => {
    const page = { values: [{ email: 'a@example.com', is_confirmed: false }, { email: 'b@example.com', is_confirmed: true }] };
    expect(chooseBitbucketEmail(page)).toEqual({ email: 'b@example.com', isConfirmed: true });
    expect(chooseBitbucketEmail({ values: [{ email: 'a@example.com', is_confirmed: false }] }).email).toBe('a@example.com');
    expect(() => chooseBitbucketEmail({ values: [] })).toThrow(ProviderProfileError);
  });

  it('strava never has an address', () => {
    expect(stravaProfileOf({ id: 5, email: 'x@example.com', firstname: 'A', lastname: 'B' })).toMatchObject({ id: '5', email: '', emailVerified: false, displayName: 'A B' });
  });

  it('facebook adds the mapped fields unless the URL names its own', () => {
    expect(facebookProfileUrl('http://127.0.0.1:1/me')).toBe('http://127.0.0.1:1/me?fields=id%2Cname%2Cemail%2Cpicture');
    expect(facebookProfileUrl('https://graph.facebook.com/me?fields=id,email')).toBe('https://graph.facebook.com/me?fields=id,email');
    expect(facebookProfileOf({ id: '1', picture: { data: { url: 'https://p.example/1' } } }).avatarUrl).toBe('https://p.example/1');
  });

  it('windowslive prefers emails.preferred and repeats a surname already in name, as the reference does', () => {
    expect(windowsliveProfileOf({ id: 'w', name: 'Bill Gates', last_name: 'Gates', emails: { preferred: null, account: 'a@example.com' } })).toMatchObject({
      email: 'a@example.com',
      displayName: 'Bill Gates Gates',
    });
  });

  it('twitch token responses get their scope list as a string', () => {
    expect(scopeAsString({ access_token: 'a', scope: ['user:read:email', 'chat:read'] })).toMatchObject({ scope: 'user:read:email chat:read' });
  });
});

describe('e-mail trust of the social providers', () => {
  it.each([
    ['linkedin', true, true],
    ['linkedin', 'true', false],
    ['linkedin', false, false],
    ['linkedin', undefined, false],
    ['discord', true, true],
    ['discord', false, false],
    ['discord', undefined, false],
    ['bitbucket', true, true],
    ['bitbucket', false, false],
    ['bitbucket', 'true', false],
    ['spotify', true, false],
    ['spotify', undefined, false],
    ['twitch', true, false],
    ['gitlab', true, false],
    ['strava', true, false],
    ['facebook', true, false],
    ['windowslive', true, false],
  ] as const)('%s with claim %j → trusted %s', (provider: ProviderId, claim, trusted) => {
    expect(isEmailVerificationTrusted(provider, 'a@example.com', claim)).toBe(trusted);
  });
});

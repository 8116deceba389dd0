/**
 * OAuth provider settings (CONFIG.md §14, PROVIDERS.md). Each provider follows the pattern of
 * §14.1: `AUTH_PROVIDER_<P>_ENABLED`, `_CLIENT_ID`, `_CLIENT_SECRET`, `_SCOPE`, with the exceptions
 * of §14.2 (Apple has no secret, WorkOS no scope, Twitter uses OAuth 1.0a consumer credentials).
 */
import type { Setting, SettingGroup } from './setting.js';

/** The 16 provider ids of the API, as they appear in `/signin/provider/{provider}`. */
export const PROVIDER_IDS = [
  'apple',
  'azuread',
  'bitbucket',
  'discord',
  'entraid',
  'facebook',
  'github',
  'gitlab',
  'google',
  'linkedin',
  'spotify',
  'strava',
  'twitch',
  'twitter',
  'windowslive',
  'workos',
] as const;

export type ProviderId = (typeof PROVIDER_IDS)[number];

const enabled = <T extends string, F extends string>(token: T, flag: F, label: string, group: SettingGroup) =>
  ({
    env: `AUTH_PROVIDER_${token}_ENABLED`,
    flag: `${flag}-enabled`,
    type: 'boolean',
    default: false,
    group,
    description: `Enable sign-in with ${label} (GET /signin/provider/${flag}).`,
  }) as const;

const clientId = <T extends string, F extends string>(token: T, flag: F, label: string, group: SettingGroup) =>
  ({
    env: `AUTH_PROVIDER_${token}_CLIENT_ID`,
    flag: `${flag}-client-id`,
    type: 'string',
    default: '',
    group,
    description: `OAuth client id issued by ${label}.`,
  }) as const;

const clientSecret = <T extends string, F extends string>(token: T, flag: F, label: string, group: SettingGroup) =>
  ({
    env: `AUTH_PROVIDER_${token}_CLIENT_SECRET`,
    flag: `${flag}-client-secret`,
    type: 'string',
    default: '',
    secret: true,
    group,
    description: `OAuth client secret issued by ${label}.`,
  }) as const;

const scope = <T extends string, F extends string, const S extends readonly string[]>(
  token: T,
  flag: F,
  label: string,
  group: SettingGroup,
  scopes: S,
) =>
  ({
    env: `AUTH_PROVIDER_${token}_SCOPE`,
    flag: `${flag}-scope`,
    type: 'list',
    default: scopes,
    group,
    description: `Scopes requested from ${label}; empty items are dropped and an empty list means the default.`,
  }) as const;

/** The four settings of a standard OAuth 2 provider. */
const standard = <T extends string, F extends string, const S extends readonly string[]>(
  token: T,
  flag: F,
  label: string,
  group: SettingGroup,
  scopes: S,
) =>
  [
    enabled(token, flag, label, group),
    clientId(token, flag, label, group),
    clientSecret(token, flag, label, group),
    scope(token, flag, label, group, scopes),
  ] as const;

const tenant = <T extends string, F extends string>(token: T, flag: F, description: string, group: SettingGroup) =>
  ({
    env: `AUTH_PROVIDER_${token}_TENANT`,
    flag: `${flag}-tenant`,
    type: 'string',
    default: 'common',
    group,
    description,
  }) as const;

/** What each endpoint setting of a provider configures (Latchkey additions, so tests and proxies can point elsewhere). */
const ENDPOINT_KINDS = {
  AUTHORIZATION_URL: ['authorization-url', 'authorization endpoint (opened in the browser)'],
  TOKEN_URL: ['token-url', 'token endpoint'],
  USER_PROFILE_URL: ['user-profile-url', 'user profile endpoint'],
  ISSUER: ['issuer', 'OpenID issuer identifier expected in ID tokens'],
  JWKS_URL: ['jwks-url', 'JWKS endpoint with the keys that sign its ID tokens'],
  REQUEST_TOKEN_URL: ['request-token-url', 'OAuth 1.0a request-token endpoint'],
} as const;

/**
 * A Latchkey endpoint setting `AUTH_PROVIDER_<P>_<KIND>` whose default is the reference's fixed
 * URL (PROVIDERS.md §6), e.g. `endpoint('GOOGLE', 'google', 'Google', 'OAuth: Google', 'TOKEN_URL', 'https://…')`.
 */
export const endpoint = <T extends string, F extends string, K extends keyof typeof ENDPOINT_KINDS>(
  token: T,
  flag: F,
  label: string,
  group: SettingGroup,
  kind: K,
  url: string,
) =>
  ({
    env: `AUTH_PROVIDER_${token}_${kind}`,
    flag: `${flag}-${ENDPOINT_KINDS[kind][0]}`,
    type: 'string',
    default: url,
    latchkey: true,
    group,
    description: `${label} ${ENDPOINT_KINDS[kind][1]}; change it only for a proxy or a test double.`,
  }) as const;

export const PROVIDER_SETTINGS = [
  enabled('APPLE', 'apple', 'Apple', 'OAuth: Apple'),
  clientId('APPLE', 'apple', 'Apple (the Services ID)', 'OAuth: Apple'),
  {
    env: 'AUTH_PROVIDER_APPLE_TEAM_ID',
    flag: 'apple-team-id',
    type: 'string',
    default: '',
    group: 'OAuth: Apple',
    description: 'Apple developer team id, the issuer of the generated client-secret JWT.',
  },
  {
    env: 'AUTH_PROVIDER_APPLE_KEY_ID',
    flag: 'apple-key-id',
    type: 'string',
    default: '',
    group: 'OAuth: Apple',
    description: 'Id of the Apple signing key, the kid of the generated client-secret JWT.',
  },
  {
    env: 'AUTH_PROVIDER_APPLE_PRIVATE_KEY',
    flag: 'apple-private-key',
    type: 'string',
    default: '',
    secret: true,
    group: 'OAuth: Apple',
    description:
      'EC P-256 private key as PEM (literal \\n sequences become newlines) or base64 of the PEM, used to sign the client secret.',
  },
  scope('APPLE', 'apple', 'Apple', 'OAuth: Apple', ['name', 'email']),
  endpoint('APPLE', 'apple', 'Apple', 'OAuth: Apple', 'AUTHORIZATION_URL', 'https://appleid.apple.com/auth/authorize'),
  endpoint('APPLE', 'apple', 'Apple', 'OAuth: Apple', 'TOKEN_URL', 'https://appleid.apple.com/auth/token'),
  endpoint('APPLE', 'apple', 'Apple', 'OAuth: Apple', 'ISSUER', 'https://appleid.apple.com'),
  endpoint('APPLE', 'apple', 'Apple', 'OAuth: Apple', 'JWKS_URL', 'https://appleid.apple.com/auth/keys'),

  ...standard('AZUREAD', 'azuread', 'Azure AD', 'OAuth: Azure AD', ['email', 'profile', 'openid', 'offline_access']),
  tenant('AZUREAD', 'azuread', 'Tenant in the login.microsoftonline.com v1 endpoints (Azure AD is deprecated in favour of Entra ID).', 'OAuth: Azure AD'),
  // `{tenant}` in these URLs is replaced by AUTH_PROVIDER_AZUREAD_TENANT.
  endpoint('AZUREAD', 'azuread', 'Azure AD ({tenant} = the tenant setting)', 'OAuth: Azure AD', 'AUTHORIZATION_URL', 'https://login.microsoftonline.com/{tenant}/oauth2/authorize?prompt=select_account'),
  endpoint('AZUREAD', 'azuread', 'Azure AD ({tenant} = the tenant setting)', 'OAuth: Azure AD', 'TOKEN_URL', 'https://login.microsoftonline.com/{tenant}/oauth2/token'),
  endpoint('AZUREAD', 'azuread', 'Azure AD ({tenant} = the tenant setting)', 'OAuth: Azure AD', 'USER_PROFILE_URL', 'https://login.microsoftonline.com/{tenant}/openid/userinfo'),
  ...standard('BITBUCKET', 'bitbucket', 'Bitbucket', 'OAuth: Bitbucket', ['account']),
  endpoint('BITBUCKET', 'bitbucket', 'Bitbucket', 'OAuth: Bitbucket', 'AUTHORIZATION_URL', 'https://bitbucket.org/site/oauth2/authorize'),
  endpoint('BITBUCKET', 'bitbucket', 'Bitbucket', 'OAuth: Bitbucket', 'TOKEN_URL', 'https://bitbucket.org/site/oauth2/access_token'),
  endpoint('BITBUCKET', 'bitbucket', 'Bitbucket', 'OAuth: Bitbucket', 'USER_PROFILE_URL', 'https://api.bitbucket.org/2.0/user'),
  ...standard('DISCORD', 'discord', 'Discord', 'OAuth: Discord', ['identify', 'email']),
  endpoint('DISCORD', 'discord', 'Discord', 'OAuth: Discord', 'AUTHORIZATION_URL', 'https://discord.com/api/oauth2/authorize'),
  endpoint('DISCORD', 'discord', 'Discord', 'OAuth: Discord', 'TOKEN_URL', 'https://discord.com/api/oauth2/token'),
  endpoint('DISCORD', 'discord', 'Discord', 'OAuth: Discord', 'USER_PROFILE_URL', 'https://discord.com/api/users/@me'),
  ...standard('ENTRAID', 'entraid', 'Microsoft Entra ID', 'OAuth: Entra ID', [
    'email',
    'profile',
    'openid',
    'offline_access',
  ]),
  tenant('ENTRAID', 'entraid', 'Tenant in the login.microsoftonline.com v2.0 endpoints.', 'OAuth: Entra ID'),
  // `{tenant}` in these URLs is replaced by AUTH_PROVIDER_ENTRAID_TENANT.
  endpoint('ENTRAID', 'entraid', 'Entra ID ({tenant} = the tenant setting)', 'OAuth: Entra ID', 'AUTHORIZATION_URL', 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize'),
  endpoint('ENTRAID', 'entraid', 'Entra ID ({tenant} = the tenant setting)', 'OAuth: Entra ID', 'TOKEN_URL', 'https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token'),
  endpoint('ENTRAID', 'entraid', 'Entra ID', 'OAuth: Entra ID', 'USER_PROFILE_URL', 'https://graph.microsoft.com/oidc/userinfo'),
  ...standard('FACEBOOK', 'facebook', 'Facebook', 'OAuth: Facebook', ['email']),
  endpoint('FACEBOOK', 'facebook', 'Facebook', 'OAuth: Facebook', 'AUTHORIZATION_URL', 'https://www.facebook.com/v22.0/dialog/oauth'),
  endpoint('FACEBOOK', 'facebook', 'Facebook', 'OAuth: Facebook', 'TOKEN_URL', 'https://graph.facebook.com/v22.0/oauth/access_token'),
  endpoint('FACEBOOK', 'facebook', 'Facebook', 'OAuth: Facebook', 'USER_PROFILE_URL', 'https://graph.facebook.com/me?fields=id,name,email,picture'),

  ...standard('GITHUB', 'github', 'GitHub', 'OAuth: GitHub', ['user:email']),
  {
    env: 'AUTH_PROVIDER_GITHUB_AUTHORIZATION_URL',
    flag: 'github-authorization-url',
    type: 'string',
    default: 'https://github.com/login/oauth/authorize',
    group: 'OAuth: GitHub',
    description: 'GitHub authorization endpoint (change it for GitHub Enterprise).',
  },
  {
    env: 'AUTH_PROVIDER_GITHUB_TOKEN_URL',
    flag: 'github-token-url',
    type: 'string',
    default: 'https://github.com/login/oauth/access_token',
    group: 'OAuth: GitHub',
    description: 'GitHub token endpoint (change it for GitHub Enterprise).',
  },
  {
    env: 'AUTH_PROVIDER_GITHUB_USER_PROFILE_URL',
    flag: 'github-user-profile-url',
    type: 'string',
    default: 'https://api.github.com/user',
    group: 'OAuth: GitHub',
    description: 'GitHub user API; the email list is read from this URL + /emails.',
  },

  ...standard('GITLAB', 'gitlab', 'GitLab', 'OAuth: GitLab', ['read_user']),
  {
    ...endpoint('GITLAB', 'gitlab', 'GitLab', 'OAuth: GitLab', 'AUTHORIZATION_URL', 'https://gitlab.com/oauth/authorize'),
    description: 'GitLab authorization endpoint (opened in the browser); point it at a self-hosted GitLab instance, or a proxy or test double.',
  },
  {
    ...endpoint('GITLAB', 'gitlab', 'GitLab', 'OAuth: GitLab', 'TOKEN_URL', 'https://gitlab.com/oauth/token'),
    description: 'GitLab token endpoint; point it at a self-hosted GitLab instance, or a proxy or test double.',
  },
  {
    ...endpoint('GITLAB', 'gitlab', 'GitLab', 'OAuth: GitLab', 'USER_PROFILE_URL', 'https://gitlab.com/api/v4/user'),
    description: 'GitLab user API; point it at a self-hosted GitLab instance, or a proxy or test double.',
  },
  ...standard('GOOGLE', 'google', 'Google', 'OAuth: Google', ['openid', 'email', 'profile']),
  endpoint('GOOGLE', 'google', 'Google', 'OAuth: Google', 'AUTHORIZATION_URL', 'https://accounts.google.com/o/oauth2/auth'),
  endpoint('GOOGLE', 'google', 'Google', 'OAuth: Google', 'TOKEN_URL', 'https://oauth2.googleapis.com/token'),
  endpoint('GOOGLE', 'google', 'Google', 'OAuth: Google', 'USER_PROFILE_URL', 'https://www.googleapis.com/oauth2/v2/userinfo'),
  endpoint('GOOGLE', 'google', 'Google', 'OAuth: Google', 'ISSUER', 'https://accounts.google.com'),
  endpoint('GOOGLE', 'google', 'Google', 'OAuth: Google', 'JWKS_URL', 'https://www.googleapis.com/oauth2/v3/certs'),
  ...standard('LINKEDIN', 'linkedin', 'LinkedIn', 'OAuth: LinkedIn', ['openid', 'profile', 'email']),
  endpoint('LINKEDIN', 'linkedin', 'LinkedIn', 'OAuth: LinkedIn', 'AUTHORIZATION_URL', 'https://www.linkedin.com/oauth/v2/authorization'),
  endpoint('LINKEDIN', 'linkedin', 'LinkedIn', 'OAuth: LinkedIn', 'TOKEN_URL', 'https://www.linkedin.com/oauth/v2/accessToken'),
  endpoint('LINKEDIN', 'linkedin', 'LinkedIn', 'OAuth: LinkedIn', 'USER_PROFILE_URL', 'https://api.linkedin.com/v2/userinfo'),
  endpoint('LINKEDIN', 'linkedin', 'LinkedIn', 'OAuth: LinkedIn', 'ISSUER', 'https://www.linkedin.com/oauth'),
  ...standard('SPOTIFY', 'spotify', 'Spotify', 'OAuth: Spotify', ['user-read-email', 'user-read-private']),
  endpoint('SPOTIFY', 'spotify', 'Spotify', 'OAuth: Spotify', 'AUTHORIZATION_URL', 'https://accounts.spotify.com/authorize'),
  endpoint('SPOTIFY', 'spotify', 'Spotify', 'OAuth: Spotify', 'TOKEN_URL', 'https://accounts.spotify.com/api/token'),
  endpoint('SPOTIFY', 'spotify', 'Spotify', 'OAuth: Spotify', 'USER_PROFILE_URL', 'https://api.spotify.com/v1/me'),
  ...standard('STRAVA', 'strava', 'Strava', 'OAuth: Strava', ['profile:read_all']),
  endpoint('STRAVA', 'strava', 'Strava', 'OAuth: Strava', 'AUTHORIZATION_URL', 'https://www.strava.com/api/v3/oauth/authorize'),
  endpoint('STRAVA', 'strava', 'Strava', 'OAuth: Strava', 'TOKEN_URL', 'https://www.strava.com/api/v3/oauth/token'),
  endpoint('STRAVA', 'strava', 'Strava', 'OAuth: Strava', 'USER_PROFILE_URL', 'https://www.strava.com/api/v3/athlete'),
  ...standard('TWITCH', 'twitch', 'Twitch', 'OAuth: Twitch', ['user:read:email']),
  endpoint('TWITCH', 'twitch', 'Twitch', 'OAuth: Twitch', 'AUTHORIZATION_URL', 'https://id.twitch.tv/oauth2/authorize'),
  endpoint('TWITCH', 'twitch', 'Twitch', 'OAuth: Twitch', 'TOKEN_URL', 'https://id.twitch.tv/oauth2/token'),
  endpoint('TWITCH', 'twitch', 'Twitch', 'OAuth: Twitch', 'USER_PROFILE_URL', 'https://api.twitch.tv/helix/users'),

  enabled('TWITTER', 'twitter', 'Twitter', 'OAuth: Twitter'),
  {
    env: 'AUTH_PROVIDER_TWITTER_CONSUMER_KEY',
    flag: 'twitter-consumer-key',
    type: 'string',
    default: '',
    group: 'OAuth: Twitter',
    description: 'Twitter OAuth 1.0a consumer key.',
  },
  {
    env: 'AUTH_PROVIDER_TWITTER_CONSUMER_SECRET',
    flag: 'twitter-consumer-secret',
    type: 'string',
    default: '',
    secret: true,
    group: 'OAuth: Twitter',
    description: 'Twitter OAuth 1.0a consumer secret.',
  },
  endpoint('TWITTER', 'twitter', 'Twitter', 'OAuth: Twitter', 'REQUEST_TOKEN_URL', 'https://api.twitter.com/oauth/request_token'),
  endpoint('TWITTER', 'twitter', 'Twitter', 'OAuth: Twitter', 'AUTHORIZATION_URL', 'https://api.twitter.com/oauth/authorize'),
  endpoint('TWITTER', 'twitter', 'Twitter', 'OAuth: Twitter', 'TOKEN_URL', 'https://api.twitter.com/oauth/access_token'),
  endpoint('TWITTER', 'twitter', 'Twitter', 'OAuth: Twitter', 'USER_PROFILE_URL', 'https://api.twitter.com/1.1/account/verify_credentials.json'),

  ...standard('WINDOWS_LIVE', 'windowslive', 'Windows Live', 'OAuth: Windows Live', ['wl.basic', 'wl.emails']),
  endpoint('WINDOWS_LIVE', 'windowslive', 'Windows Live', 'OAuth: Windows Live', 'AUTHORIZATION_URL', 'https://login.live.com/oauth20_authorize.srf'),
  endpoint('WINDOWS_LIVE', 'windowslive', 'Windows Live', 'OAuth: Windows Live', 'TOKEN_URL', 'https://login.live.com/oauth20_token.srf'),
  endpoint('WINDOWS_LIVE', 'windowslive', 'Windows Live', 'OAuth: Windows Live', 'USER_PROFILE_URL', 'https://apis.live.net/v5.0/me'),

  // WorkOS has no scope setting: AUTH_PROVIDER_WORKOS_SCOPE is not read (CONFIG.md §14.2).
  enabled('WORKOS', 'workos', 'WorkOS', 'OAuth: WorkOS'),
  clientId('WORKOS', 'workos', 'WorkOS', 'OAuth: WorkOS'),
  clientSecret('WORKOS', 'workos', 'WorkOS', 'OAuth: WorkOS'),
  {
    env: 'AUTH_PROVIDER_WORKOS_DEFAULT_ORGANIZATION',
    flag: 'workos-default-organization',
    type: 'string',
    default: '',
    group: 'OAuth: WorkOS',
    description: 'When set, sent as the organization parameter of the WorkOS authorization URL.',
  },
  {
    env: 'AUTH_PROVIDER_WORKOS_DEFAULT_CONNECTION',
    flag: 'workos-default-connection',
    type: 'string',
    default: '',
    group: 'OAuth: WorkOS',
    description: 'When set, sent as the connection parameter of the WorkOS authorization URL.',
  },
  {
    env: 'AUTH_PROVIDER_WORKOS_DEFAULT_DOMAIN',
    flag: 'workos-default-domain',
    type: 'string',
    default: '',
    group: 'OAuth: WorkOS',
    description: 'When set, sent as the domain parameter of the WorkOS authorization URL.',
  },
  endpoint('WORKOS', 'workos', 'WorkOS', 'OAuth: WorkOS', 'AUTHORIZATION_URL', 'https://api.workos.com/sso/authorize'),
  endpoint('WORKOS', 'workos', 'WorkOS', 'OAuth: WorkOS', 'TOKEN_URL', 'https://api.workos.com/sso/token'),

  {
    env: 'AUTH_PROVIDER_APPLE_AUDIENCE',
    flag: 'apple-audience',
    type: 'string',
    default: '',
    group: 'ID tokens',
    description: 'Expected aud of Apple ID tokens; when set, Apple is enabled on /signin/idtoken and /link/idtoken.',
  },
  {
    env: 'AUTH_PROVIDER_GOOGLE_AUDIENCE',
    flag: 'google-audience',
    type: 'string',
    default: '',
    group: 'ID tokens',
    description: 'Expected aud of Google ID tokens; when set, Google is enabled on /signin/idtoken and /link/idtoken.',
  },
] as const satisfies readonly Setting[];

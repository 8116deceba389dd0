/**
 * Builders for the sign-in feature sections of `Config`: OAuth providers, ID tokens, WebAuthn,
 * rate limits, encryption and the OAuth2 provider mode.
 */
import { createPrivateKey } from 'node:crypto';
import { withoutEmpty } from './parse.js';
import type { Reader } from './reader.js';
import type { SettingEnv } from './settings.js';
import type { AppleProviderConfig, Config, DatabaseConfig, EndpointProviderConfig, MicrosoftProviderConfig, OAuthProviderConfig, RateLimitRule } from './types.js';
import { goUrlHostname } from './url.js';

type Section<K extends keyof Config> = Config[K];

/** Providers whose settings follow the plain four-variable pattern (CONFIG.md §14.1). */
type StandardToken =
  | 'AZUREAD'
  | 'BITBUCKET'
  | 'DISCORD'
  | 'ENTRAID'
  | 'FACEBOOK'
  | 'GITHUB'
  | 'GITLAB'
  | 'GOOGLE'
  | 'LINKEDIN'
  | 'SPOTIFY'
  | 'STRAVA'
  | 'TWITCH'
  | 'WINDOWS_LIVE'
  | 'WORKOS';

/** Configured scopes without empty items; when none remain, the provider's default scopes. */
function scopesOf(r: Reader, env: `AUTH_PROVIDER_${Exclude<StandardToken, 'WORKOS'> | 'APPLE'}_SCOPE`): string[] {
  const scopes = withoutEmpty(r.get(env));
  return scopes.length > 0 ? scopes : [...r.defaultOf(env)];
}

function standard(r: Reader, token: Exclude<StandardToken, 'WORKOS'>): OAuthProviderConfig {
  return {
    enabled: r.get(`AUTH_PROVIDER_${token}_ENABLED`),
    clientId: r.get(`AUTH_PROVIDER_${token}_CLIENT_ID`),
    clientSecret: r.get(`AUTH_PROVIDER_${token}_CLIENT_SECRET`),
    scopes: scopesOf(r, `AUTH_PROVIDER_${token}_SCOPE`),
  };
}

/** A standard provider plus its three endpoint settings (defaults: the reference's URLs). */
function withEndpoints(r: Reader, token: 'BITBUCKET' | 'DISCORD' | 'FACEBOOK' | 'GITLAB' | 'LINKEDIN' | 'SPOTIFY' | 'STRAVA' | 'TWITCH' | 'WINDOWS_LIVE'): EndpointProviderConfig {
  return {
    ...standard(r, token),
    authorizationUrl: r.get(`AUTH_PROVIDER_${token}_AUTHORIZATION_URL`),
    tokenUrl: r.get(`AUTH_PROVIDER_${token}_TOKEN_URL`),
    userProfileUrl: r.get(`AUTH_PROVIDER_${token}_USER_PROFILE_URL`),
  };
}

/**
 * AUTH_PROVIDER_APPLE_PRIVATE_KEY as PEM: literal `\n` pairs become newlines, and a value that
 * does not start with `-----BEGIN` is base64 of the PEM (CONFIG.md §14.2).
 */
export function applePrivateKeyPem(value: string): string {
  const text = value.replaceAll('\\n', '\n');
  if (text === '' || text.startsWith('-----BEGIN')) return text;
  return Buffer.from(text, 'base64').toString('utf8');
}

function checkAppleKey(r: Reader, pem: string): void {
  if (pem === '') {
    r.problem('AUTH_PROVIDER_APPLE_PRIVATE_KEY', 'is required when AUTH_PROVIDER_APPLE_ENABLED is true');
    return;
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      r.problem('AUTH_PROVIDER_APPLE_PRIVATE_KEY', 'must be an EC P-256 private key');
    }
  } catch {
    r.problem('AUTH_PROVIDER_APPLE_PRIVATE_KEY', 'is not a readable PEM private key (nor base64 of one)');
  }
}

function buildApple(r: Reader): AppleProviderConfig {
  const apple: AppleProviderConfig = {
    enabled: r.get('AUTH_PROVIDER_APPLE_ENABLED'),
    clientId: r.get('AUTH_PROVIDER_APPLE_CLIENT_ID'),
    clientSecret: '',
    scopes: scopesOf(r, 'AUTH_PROVIDER_APPLE_SCOPE'),
    teamId: r.get('AUTH_PROVIDER_APPLE_TEAM_ID'),
    keyId: r.get('AUTH_PROVIDER_APPLE_KEY_ID'),
    privateKeyPem: applePrivateKeyPem(r.get('AUTH_PROVIDER_APPLE_PRIVATE_KEY')),
    authorizationUrl: r.get('AUTH_PROVIDER_APPLE_AUTHORIZATION_URL'),
    tokenUrl: r.get('AUTH_PROVIDER_APPLE_TOKEN_URL'),
    issuer: r.get('AUTH_PROVIDER_APPLE_ISSUER'),
    jwksUrl: r.get('AUTH_PROVIDER_APPLE_JWKS_URL'),
  };
  // The reference signs the Apple client secret at start-up and exits when it cannot.
  if (apple.enabled) {
    if (apple.teamId === '') r.problem('AUTH_PROVIDER_APPLE_TEAM_ID', 'is required when AUTH_PROVIDER_APPLE_ENABLED is true');
    if (apple.keyId === '') r.problem('AUTH_PROVIDER_APPLE_KEY_ID', 'is required when AUTH_PROVIDER_APPLE_ENABLED is true');
    checkAppleKey(r, apple.privateKeyPem);
  }
  return apple;
}

/** Azure AD / Entra ID: the standard settings plus the tenant, substituted for `{tenant}` in the endpoint URLs. */
function microsoft(r: Reader, token: 'AZUREAD' | 'ENTRAID'): MicrosoftProviderConfig {
  const tenant = r.get(`AUTH_PROVIDER_${token}_TENANT`);
  const inTenant = (url: string) => url.replaceAll('{tenant}', encodeURIComponent(tenant));
  return {
    ...standard(r, token),
    tenant,
    authorizationUrl: inTenant(r.get(`AUTH_PROVIDER_${token}_AUTHORIZATION_URL`)),
    tokenUrl: inTenant(r.get(`AUTH_PROVIDER_${token}_TOKEN_URL`)),
    userProfileUrl: inTenant(r.get(`AUTH_PROVIDER_${token}_USER_PROFILE_URL`)),
  };
}

export function buildProviders(r: Reader): Section<'providers'> {
  return {
    apple: buildApple(r),
    azuread: microsoft(r, 'AZUREAD'),
    bitbucket: withEndpoints(r, 'BITBUCKET'),
    discord: withEndpoints(r, 'DISCORD'),
    entraid: microsoft(r, 'ENTRAID'),
    facebook: withEndpoints(r, 'FACEBOOK'),
    github: {
      ...standard(r, 'GITHUB'),
      authorizationUrl: r.get('AUTH_PROVIDER_GITHUB_AUTHORIZATION_URL'),
      tokenUrl: r.get('AUTH_PROVIDER_GITHUB_TOKEN_URL'),
      userProfileUrl: r.get('AUTH_PROVIDER_GITHUB_USER_PROFILE_URL'),
    },
    gitlab: withEndpoints(r, 'GITLAB'),
    google: {
      ...standard(r, 'GOOGLE'),
      authorizationUrl: r.get('AUTH_PROVIDER_GOOGLE_AUTHORIZATION_URL'),
      tokenUrl: r.get('AUTH_PROVIDER_GOOGLE_TOKEN_URL'),
      userProfileUrl: r.get('AUTH_PROVIDER_GOOGLE_USER_PROFILE_URL'),
      issuer: r.get('AUTH_PROVIDER_GOOGLE_ISSUER'),
      jwksUrl: r.get('AUTH_PROVIDER_GOOGLE_JWKS_URL'),
    },
    linkedin: { ...withEndpoints(r, 'LINKEDIN'), issuer: r.get('AUTH_PROVIDER_LINKEDIN_ISSUER') },
    spotify: withEndpoints(r, 'SPOTIFY'),
    strava: withEndpoints(r, 'STRAVA'),
    twitch: withEndpoints(r, 'TWITCH'),
    twitter: {
      enabled: r.get('AUTH_PROVIDER_TWITTER_ENABLED'),
      consumerKey: r.get('AUTH_PROVIDER_TWITTER_CONSUMER_KEY'),
      consumerSecret: r.get('AUTH_PROVIDER_TWITTER_CONSUMER_SECRET'),
      requestTokenUrl: r.get('AUTH_PROVIDER_TWITTER_REQUEST_TOKEN_URL'),
      authorizationUrl: r.get('AUTH_PROVIDER_TWITTER_AUTHORIZATION_URL'),
      tokenUrl: r.get('AUTH_PROVIDER_TWITTER_TOKEN_URL'),
      userProfileUrl: r.get('AUTH_PROVIDER_TWITTER_USER_PROFILE_URL'),
    },
    windowslive: withEndpoints(r, 'WINDOWS_LIVE'),
    workos: {
      enabled: r.get('AUTH_PROVIDER_WORKOS_ENABLED'),
      clientId: r.get('AUTH_PROVIDER_WORKOS_CLIENT_ID'),
      clientSecret: r.get('AUTH_PROVIDER_WORKOS_CLIENT_SECRET'),
      // No scope setting: the reference always sends one empty scope (`scope=`).
      scopes: [''],
      defaultOrganization: r.get('AUTH_PROVIDER_WORKOS_DEFAULT_ORGANIZATION'),
      defaultConnection: r.get('AUTH_PROVIDER_WORKOS_DEFAULT_CONNECTION'),
      defaultDomain: r.get('AUTH_PROVIDER_WORKOS_DEFAULT_DOMAIN'),
      authorizationUrl: r.get('AUTH_PROVIDER_WORKOS_AUTHORIZATION_URL'),
      tokenUrl: r.get('AUTH_PROVIDER_WORKOS_TOKEN_URL'),
    },
  };
}

export function buildWebauthn(r: Reader, clientUrl: string): Section<'webauthn'> {
  const enabled = r.get('AUTH_WEBAUTHN_ENABLED');
  const rpId = r.get('AUTH_WEBAUTHN_RP_ID') || goUrlHostname(clientUrl);
  if (enabled && rpId === '') {
    r.problem('AUTH_WEBAUTHN_RP_ID', 'is required when AUTH_WEBAUTHN_ENABLED is true and AUTH_CLIENT_URL has no host name');
  }
  const origins = withoutEmpty(r.get('AUTH_WEBAUTHN_RP_ORIGINS'));
  const timeoutMs = r.get('AUTH_WEBAUTHN_ATTESTATION_TIMEOUT');
  if (timeoutMs < 1) r.problem('AUTH_WEBAUTHN_ATTESTATION_TIMEOUT', `must be at least 1 (got ${timeoutMs})`);
  return {
    enabled,
    rpId,
    rpName: r.get('AUTH_WEBAUTHN_RP_NAME') || rpId,
    // The raw client URL is appended even when empty, as in the reference.
    rpOrigins: origins.includes(clientUrl) ? origins : [...origins, clientUrl],
    timeoutMs,
  };
}

function rule(r: Reader, burstEnv: SettingEnv & `AUTH_RATE_LIMIT_${string}_BURST`, intervalEnv: SettingEnv & `AUTH_RATE_LIMIT_${string}_INTERVAL`): RateLimitRule {
  const burst = r.get(burstEnv) as number;
  const intervalMs = r.get(intervalEnv) as number;
  if (burst < 1) r.problem(burstEnv, `must be at least 1 (got ${burst})`);
  if (intervalMs <= 0 && !r.isInvalid(intervalEnv)) r.problem(intervalEnv, 'must be a positive duration');
  return { burst, intervalMs };
}

export function buildRateLimit(r: Reader): Section<'rateLimit'> {
  const redisUrl = r.get('AUTH_RATE_LIMIT_REDIS_URL');
  const memcacheServer = r.get('AUTH_RATE_LIMIT_MEMCACHE_SERVER');
  if (redisUrl !== '' && !/^rediss?:\/\//.test(redisUrl)) r.problem('AUTH_RATE_LIMIT_REDIS_URL', 'must be a redis:// or rediss:// URL');
  if (redisUrl !== '' && memcacheServer !== '') {
    r.note('AUTH_RATE_LIMIT_REDIS_URL and AUTH_RATE_LIMIT_MEMCACHE_SERVER are both set: choose one store for the rate-limit counters');
  }
  return {
    enabled: r.get('AUTH_RATE_LIMIT_ENABLE'),
    global: rule(r, 'AUTH_RATE_LIMIT_GLOBAL_BURST', 'AUTH_RATE_LIMIT_GLOBAL_INTERVAL'),
    email: { ...rule(r, 'AUTH_RATE_LIMIT_EMAIL_BURST', 'AUTH_RATE_LIMIT_EMAIL_INTERVAL'), isGlobal: r.get('AUTH_RATE_LIMIT_EMAIL_IS_GLOBAL') },
    sms: rule(r, 'AUTH_RATE_LIMIT_SMS_BURST', 'AUTH_RATE_LIMIT_SMS_INTERVAL'),
    bruteForce: rule(r, 'AUTH_RATE_LIMIT_BRUTE_FORCE_BURST', 'AUTH_RATE_LIMIT_BRUTE_FORCE_INTERVAL'),
    signups: rule(r, 'AUTH_RATE_LIMIT_SIGNUPS_BURST', 'AUTH_RATE_LIMIT_SIGNUPS_INTERVAL'),
    oauth2Server: rule(r, 'AUTH_RATE_LIMIT_OAUTH2_SERVER_BURST', 'AUTH_RATE_LIMIT_OAUTH2_SERVER_INTERVAL'),
    memcache: { server: memcacheServer, prefix: r.get('AUTH_RATE_LIMIT_MEMCACHE_PREFIX') },
    redisUrl,
  };
}

export function buildLockout(r: Reader): Section<'lockout'> {
  const maxFailures = r.get('AUTH_LOCKOUT_MAX_FAILURES');
  const delayMs = r.get('AUTH_LOCKOUT_DELAY');
  const maxDelayMs = r.get('AUTH_LOCKOUT_MAX_DELAY');
  if (maxFailures < 0) r.problem('AUTH_LOCKOUT_MAX_FAILURES', `must be 0 (off) or more (got ${maxFailures})`);
  if (delayMs <= 0 && !r.isInvalid('AUTH_LOCKOUT_DELAY')) r.problem('AUTH_LOCKOUT_DELAY', 'must be a positive duration');
  if (maxDelayMs < delayMs && !r.isInvalid('AUTH_LOCKOUT_MAX_DELAY')) r.problem('AUTH_LOCKOUT_MAX_DELAY', 'must not be shorter than AUTH_LOCKOUT_DELAY');
  return { maxFailures, delayMs, maxDelayMs };
}

/**
 * AUTH_ENCRYPTION_KEY: hex of 16, 24 or 32 bytes, as the reference accepts (AES-128/192/256).
 * Unset is allowed only with the embedded database, where Latchkey generates and keeps a key.
 */
export function buildEncryption(r: Reader, database: DatabaseConfig): Section<'encryption'> {
  const key = r.get('AUTH_ENCRYPTION_KEY');
  if (key === '') {
    if (database.kind === 'external') {
      r.problem('AUTH_ENCRYPTION_KEY', 'is required with an external PostgreSQL: 64 hex characters, e.g. from `openssl rand -hex 32` (only with the embedded database is a key generated)');
    }
    return { keyHex: null };
  }
  if (!/^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{48}|[0-9a-fA-F]{64})$/.test(key)) {
    r.problem('AUTH_ENCRYPTION_KEY', 'must be 64 hex characters (32 bytes; 32 or 48 characters for 16- or 24-byte keys are also accepted)');
  }
  return { keyHex: key };
}

/** The `type` of HASURA_GRAPHQL_JWT_SECRET, when it is a JSON object with a string type. */
function jwtSecretType(secret: string | null): string | null {
  if (secret === null) return null;
  const parsed = JSON.parse(secret) as unknown;
  const type = typeof parsed === 'object' && parsed !== null ? (parsed as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type : null;
}

export function buildOauth2Provider(r: Reader, clientUrl: string, jwtSecret: string | null): Section<'oauth2Provider'> {
  const enabled = r.get('AUTH_OAUTH2_PROVIDER_ENABLED');
  const loginUrl = r.get('AUTH_OAUTH2_PROVIDER_LOGIN_URL') || clientUrl;
  const accessTokenTtlSeconds = r.get('AUTH_OAUTH2_PROVIDER_ACCESS_TOKEN_TTL');
  const refreshTokenTtlSeconds = r.get('AUTH_OAUTH2_PROVIDER_REFRESH_TOKEN_TTL');
  if (enabled) {
    if (loginUrl === '') r.problem('AUTH_OAUTH2_PROVIDER_LOGIN_URL', 'or AUTH_CLIENT_URL is required when AUTH_OAUTH2_PROVIDER_ENABLED is true');
    if (accessTokenTtlSeconds < 1) r.problem('AUTH_OAUTH2_PROVIDER_ACCESS_TOKEN_TTL', 'must be a positive number of seconds');
    if (refreshTokenTtlSeconds < 1) r.problem('AUTH_OAUTH2_PROVIDER_REFRESH_TOKEN_TTL', 'must be a positive number of seconds');
    const type = jwtSecretType(jwtSecret);
    if (jwtSecret !== null && (type === null || !/^RS(256|384|512)$/.test(type))) {
      r.problem('AUTH_OAUTH2_PROVIDER_ENABLED', 'requires an RS256, RS384 or RS512 HASURA_GRAPHQL_JWT_SECRET');
    }
  }
  return {
    enabled,
    loginUrl,
    accessTokenTtlSeconds,
    refreshTokenTtlSeconds,
    cimd: {
      enabled: r.get('AUTH_OAUTH2_PROVIDER_CIMD_ENABLED'),
      allowInsecureTransport: r.get('AUTH_OAUTH2_PROVIDER_CIMD_ALLOW_INSECURE_TRANSPORT'),
    },
  };
}

/**
 * Builders for the server, database, token and user sections of `Config`. Each reads its
 * settings, derives what CONFIG.md derives, and reports problems through the reader.
 */
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import path from 'node:path';
import { withoutEmpty } from './parse.js';
import type { Reader } from './reader.js';
import type { SettingEnv } from './settings.js';
import type { Config, DatabaseConfig, PreviousJwtSecret } from './types.js';
import { goUrlParseError } from './url.js';

type Section<K extends keyof Config> = Config[K];

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `v1`, `/v1/`, `//v1` → `/v1`; `/` and `''` → `''`. */
export function normalizeApiPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/** A trusted-proxy entry: an IPv4/IPv6 address, optionally with a /prefix length. */
export function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

function checkUrl(r: Reader, env: SettingEnv, value: string): void {
  const error = goUrlParseError(value);
  if (error !== null) r.problem(env, `${JSON.stringify(value)} is not a valid URL (${error})`);
}

function atLeast(r: Reader, env: SettingEnv, value: number, min: number): number {
  if (value < min) r.problem(env, `must be at least ${min} (got ${value})`);
  return value;
}

export function buildServer(r: Reader): Section<'server'> {
  const portText = r.get('AUTH_PORT');
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port <= 65535)) r.problem('AUTH_PORT', `${JSON.stringify(portText)} is not a TCP port (0 to 65535)`);
  const serverUrl = r.get('AUTH_SERVER_URL');
  const clientUrl = r.get('AUTH_CLIENT_URL');
  checkUrl(r, 'AUTH_SERVER_URL', serverUrl);
  checkUrl(r, 'AUTH_CLIENT_URL', clientUrl);
  const trustedProxies = withoutEmpty(r.get('AUTH_TRUSTED_PROXIES'));
  for (const entry of trustedProxies) {
    if (!isAddressOrCidr(entry)) r.problem('AUTH_TRUSTED_PROXIES', `${JSON.stringify(entry)} is not an IP address or CIDR range`);
  }
  return {
    port: Number.isNaN(port) ? 4000 : port,
    host: '::',
    apiPrefix: normalizeApiPrefix(r.get('AUTH_API_PREFIX')),
    serverUrl,
    clientUrl,
    concealErrors: r.get('AUTH_CONCEAL_ERRORS'),
    enableChangeEnv: r.get('AUTH_ENABLE_CHANGE_ENV'),
    trustedProxies,
  };
}

export function buildLog(r: Reader): Section<'log'> {
  return {
    level: r.get('AUTH_DEBUG') ? 'debug' : 'info',
    format: r.get('AUTH_LOG_FORMAT_TEXT') ? 'text' : 'json',
  };
}

/** CONFIG.md §5 quirk 9: `sslmode=disable` is added when the URL names no sslmode (with a correct separator). */
export function withSslModeDisabled(url: string): string {
  if (url.includes('sslmode')) return url;
  return `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`;
}

const POSTGRES_URI = /^postgres(ql)?:\/\//i;

/**
 * POSTGRES_CONNECTION, else HASURA_GRAPHQL_DATABASE_URL (only when the first is not defined at
 * all; defined-but-empty counts as defined). When neither is defined Latchkey runs the embedded
 * database in AUTH_DATA_DIR instead of the reference's localhost default.
 */
export function buildDatabase(r: Reader): DatabaseConfig {
  const migrations = r.get('POSTGRES_MIGRATIONS_CONNECTION');
  if (r.source('POSTGRES_CONNECTION') === 'default') {
    if (migrations !== '') {
      r.problem('POSTGRES_MIGRATIONS_CONNECTION', 'is set, but neither POSTGRES_CONNECTION nor HASURA_GRAPHQL_DATABASE_URL is: the embedded database needs no migration connection');
    }
    return { kind: 'embedded', dataDir: path.join(r.get('AUTH_DATA_DIR'), 'db') };
  }
  const url = r.get('POSTGRES_CONNECTION');
  if (url === '') {
    r.problem('POSTGRES_CONNECTION', 'is defined but empty: give a PostgreSQL URL, or leave it undefined to use the embedded database');
  } else if (!POSTGRES_URI.test(url)) {
    r.problem('POSTGRES_CONNECTION', 'must be a postgres:// or postgresql:// URL (the key=value form is not supported)');
  }
  if (migrations !== '' && !POSTGRES_URI.test(migrations)) {
    r.problem('POSTGRES_MIGRATIONS_CONNECTION', 'must be a postgres:// or postgresql:// URL (the key=value form is not supported)');
  }
  return { kind: 'external', url, migrationsUrl: withSslModeDisabled(migrations === '' ? url : migrations) };
}

export function buildHasura(r: Reader): Section<'hasura'> {
  const graphqlUrl = r.get('HASURA_GRAPHQL_GRAPHQL_URL');
  // The reference replaces the first occurrence only, and keeps the URL when it is absent.
  return { graphqlUrl, metadataUrl: graphqlUrl.replace('/v1/graphql', '/v1/metadata'), adminSecret: r.get('HASURA_GRAPHQL_ADMIN_SECRET') };
}

/** `retire_at`: an RFC 3339 / ISO 8601 time, or seconds since the epoch. */
function parseRetireAt(value: unknown): Date | null {
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? new Date(ms) : null;
}

function buildPreviousSecrets(r: Reader): PreviousJwtSecret[] {
  const raw = r.get('AUTH_JWT_PREVIOUS_SECRETS');
  if (raw === '') return [];
  const list = JSON.parse(raw) as unknown;
  if (!Array.isArray(list)) {
    r.problem('AUTH_JWT_PREVIOUS_SECRETS', 'must be a JSON array of objects in HASURA_GRAPHQL_JWT_SECRET format');
    return [];
  }
  const result: PreviousJwtSecret[] = [];
  list.forEach((item: unknown, i) => {
    if (!isPlainObject(item)) {
      r.problem('AUTH_JWT_PREVIOUS_SECRETS', `item ${i + 1} is not a JSON object`);
      return;
    }
    const { retire_at: retireAtRaw, ...key } = item;
    if (retireAtRaw === undefined || retireAtRaw === null) {
      result.push({ secret: JSON.stringify(key) });
      return;
    }
    const retireAt = parseRetireAt(retireAtRaw);
    if (retireAt === null) r.problem('AUTH_JWT_PREVIOUS_SECRETS', `item ${i + 1}: retire_at must be an ISO 8601 time or seconds since the epoch`);
    else result.push({ secret: JSON.stringify(key), retireAt });
  });
  return result;
}

function parseJsonObject(r: Reader, env: SettingEnv, raw: string): Record<string, unknown> {
  if (raw === '') return {};
  const value = JSON.parse(raw) as unknown;
  if (isPlainObject(value)) return value;
  r.problem(env, 'must be a JSON object');
  return {};
}

function checkJwtSecret(r: Reader, rawSecret: string, database: DatabaseConfig): void {
  if (r.isInvalid('HASURA_GRAPHQL_JWT_SECRET')) return; // not JSON: already reported
  if (rawSecret === '' && database.kind === 'external') {
    r.problem('HASURA_GRAPHQL_JWT_SECRET', 'is required with an external PostgreSQL (only with the embedded database is a key generated)');
  } else if (rawSecret !== '' && !isPlainObject(JSON.parse(rawSecret))) {
    r.problem('HASURA_GRAPHQL_JWT_SECRET', 'must be a JSON object such as {"type":"HS256","key":"…"}');
  }
}

/**
 * The signing key stays raw JSON text here: the token adapter parses it (TOKENS.md §1). Unset is
 * allowed only with the embedded database, where Latchkey generates and keeps a key.
 */
export function buildJwt(r: Reader, database: DatabaseConfig, graphqlUrl: string): Section<'jwt'> {
  const rawSecret = r.get('HASURA_GRAPHQL_JWT_SECRET');
  checkJwtSecret(r, rawSecret, database);
  const customClaims = parseJsonObject(r, 'AUTH_JWT_CUSTOM_CLAIMS', r.get('AUTH_JWT_CUSTOM_CLAIMS'));
  const nonString = Object.keys(customClaims).filter((k) => typeof customClaims[k] !== 'string');
  if (nonString.length > 0) r.problem('AUTH_JWT_CUSTOM_CLAIMS', `values must be strings (paths); not for ${nonString.join(', ')}`);
  if (Object.keys(customClaims).length > 0 && graphqlUrl === '') {
    r.problem('AUTH_JWT_CUSTOM_CLAIMS', 'needs HASURA_GRAPHQL_GRAPHQL_URL to fetch the claims');
  }
  return {
    secret: rawSecret === '' ? null : rawSecret,
    previousSecrets: buildPreviousSecrets(r),
    customClaims: nonString.length > 0 ? {} : (customClaims as Record<string, string>),
    customClaimsDefaults: parseJsonObject(r, 'AUTH_JWT_CUSTOM_CLAIMS_DEFAULTS', r.get('AUTH_JWT_CUSTOM_CLAIMS_DEFAULTS')),
  };
}

export function buildTokens(r: Reader): Section<'tokens'> {
  return {
    accessTokenExpiresInSeconds: atLeast(r, 'AUTH_ACCESS_TOKEN_EXPIRES_IN', r.get('AUTH_ACCESS_TOKEN_EXPIRES_IN'), 1),
    refreshTokenExpiresInSeconds: atLeast(r, 'AUTH_REFRESH_TOKEN_EXPIRES_IN', r.get('AUTH_REFRESH_TOKEN_EXPIRES_IN'), 1),
    refreshTokenReuseGraceMs: atLeast(r, 'AUTH_REFRESH_TOKEN_REUSE_GRACE', r.get('AUTH_REFRESH_TOKEN_REUSE_GRACE'), 0),
  };
}

const withMember = (items: readonly string[], member: string): string[] =>
  items.includes(member) ? [...items] : [...items, member];

export function buildSignUp(r: Reader): Section<'signUp'> {
  const defaultRole = r.get('AUTH_USER_DEFAULT_ROLE');
  if (defaultRole === '') r.problem('AUTH_USER_DEFAULT_ROLE', 'must not be empty');
  const rawRoles = r.get('AUTH_USER_DEFAULT_ALLOWED_ROLES');
  const defaultLocale = r.get('AUTH_LOCALE_DEFAULT');
  // auth.users.locale is varchar(3) since migration 19, and the API accepts 2 or 3 characters.
  if (defaultLocale.length < 2 || defaultLocale.length > 3) {
    r.problem('AUTH_LOCALE_DEFAULT', `${JSON.stringify(defaultLocale)} must be a 2- or 3-letter locale`);
  }
  return {
    disableSignup: r.get('AUTH_DISABLE_SIGNUP'),
    disableNewUsers: r.get('AUTH_DISABLE_NEW_USERS'),
    emailVerifiedRequired: r.get('AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED'),
    defaultRole,
    defaultAllowedRoles: withoutEmpty(withMember(withoutEmpty(rawRoles), defaultRole)),
    // CONFIG.md §1.3 step 5 upserts the raw list: empty items are not removed there.
    rolesToRegister: [...new Set([...rawRoles, defaultRole])],
    localeDefault: defaultLocale,
    allowedLocales: withoutEmpty(withMember(withoutEmpty(r.get('AUTH_LOCALE_ALLOWED_LOCALES')), defaultLocale)),
  };
}

export function buildPassword(r: Reader): Section<'password'> {
  const cost = r.get('AUTH_PASSWORD_HASH_COST');
  if (cost < 4 || cost > 15) r.problem('AUTH_PASSWORD_HASH_COST', `must be between 4 and 15 (got ${cost})`);
  const workers = atLeast(r, 'AUTH_PASSWORD_HASH_WORKERS', r.get('AUTH_PASSWORD_HASH_WORKERS'), 0);
  return {
    minLength: r.get('AUTH_PASSWORD_MIN_LENGTH'),
    hibpEnabled: r.get('AUTH_PASSWORD_HIBP_ENABLED'),
    hibpApiUrl: r.get('AUTH_PASSWORD_HIBP_API_URL').replace(/\/+$/, ''),
    hashCost: cost,
    hashWorkers: workers <= 0 ? availableParallelism() : workers,
    hashQueueLimit: atLeast(r, 'AUTH_PASSWORD_HASH_QUEUE_LIMIT', r.get('AUTH_PASSWORD_HASH_QUEUE_LIMIT'), 0),
  };
}

export function buildEmail(r: Reader): Section<'email'> {
  const host = r.get('AUTH_SMTP_HOST');
  const port = r.get('AUTH_SMTP_PORT');
  // The reference truncates the port to 16 bits; a larger value is refused here instead.
  if (port > 65535) r.problem('AUTH_SMTP_PORT', `must be at most 65535 (got ${port})`);
  return {
    usesPostmark: host === 'postmark',
    postmarkApiUrl: r.get('AUTH_POSTMARK_API_URL').replace(/\/+$/, ''),
    smtp: {
      host,
      port,
      secure: r.get('AUTH_SMTP_SECURE'),
      user: r.get('AUTH_SMTP_USER'),
      password: r.get('AUTH_SMTP_PASS'),
      sender: r.get('AUTH_SMTP_SENDER'),
      authMethod: r.get('AUTH_SMTP_AUTH_METHOD'),
      apiHeader: r.get('AUTH_SMTP_X_SMTPAPI_HEADER'),
    },
  };
}

const SMS_PROVIDERS = ['twilio', 'modica', 'dev'] as const;
type SmsProvider = (typeof SMS_PROVIDERS)[number];

/**
 * AUTH_SMS_PROVIDER is lower-cased and `''` means twilio. As in the reference, the provider and
 * its credentials are only checked when SMS sign-in is enabled.
 */
export function buildSms(r: Reader): Section<'sms'> {
  const enabled = r.get('AUTH_SMS_PASSWORDLESS_ENABLED');
  const name = r.get('AUTH_SMS_PROVIDER').toLowerCase() || 'twilio';
  const known = (SMS_PROVIDERS as readonly string[]).includes(name);
  if (enabled && !known) r.problem('AUTH_SMS_PROVIDER', `unsupported SMS provider ${JSON.stringify(name)} (use twilio, modica or dev)`);
  const provider: SmsProvider = known ? (name as SmsProvider) : 'twilio';
  const twilio = {
    accountSid: r.get('AUTH_SMS_TWILIO_ACCOUNT_SID'),
    authToken: r.get('AUTH_SMS_TWILIO_AUTH_TOKEN'),
    messagingServiceId: r.get('AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID'),
  };
  const modica = { username: r.get('AUTH_SMS_MODICA_USERNAME'), password: r.get('AUTH_SMS_MODICA_PASSWORD') };
  if (enabled && known) {
    const required: Array<[SettingEnv, string]> =
      provider === 'twilio'
        ? [['AUTH_SMS_TWILIO_ACCOUNT_SID', twilio.accountSid], ['AUTH_SMS_TWILIO_AUTH_TOKEN', twilio.authToken], ['AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID', twilio.messagingServiceId]]
        : provider === 'modica'
          ? [['AUTH_SMS_MODICA_USERNAME', modica.username], ['AUTH_SMS_MODICA_PASSWORD', modica.password]]
          : [];
    for (const [env, value] of required) {
      if (value === '') r.problem(env, `is required when AUTH_SMS_PASSWORDLESS_ENABLED is true with the ${provider} provider`);
    }
  }
  // Latchkey decision: Twilio Verify is chosen by the Verify service SID (VA…) in the messaging
  // service setting, not by the account SID prefix the reference tests.
  const apiUrl = (env: 'AUTH_SMS_TWILIO_API_URL' | 'AUTH_SMS_TWILIO_VERIFY_API_URL' | 'AUTH_SMS_MODICA_API_URL'): string => {
    const value = r.get(env);
    if (enabled) checkUrl(r, env, value);
    return value.replace(/\/+$/, '');
  };
  return {
    provider,
    twilio: { ...twilio, usesVerify: twilio.messagingServiceId.startsWith('VA'), apiUrl: apiUrl('AUTH_SMS_TWILIO_API_URL'), verifyApiUrl: apiUrl('AUTH_SMS_TWILIO_VERIFY_API_URL') },
    modica: { ...modica, apiUrl: apiUrl('AUTH_SMS_MODICA_API_URL') },
  };
}

/**
 * `loadConfig(env, argv)`: reads every setting (CLI flag > environment > default), validates
 * everything, derives values and returns one deeply frozen `Config`. All problems are reported at
 * once in a `ConfigError`. `process.env` is never read here: the caller passes the environment.
 */
import { readSettings, rememberRead } from './read.js';
import { createReader } from './reader.js';
import {
  buildDatabase,
  buildEmail,
  buildHasura,
  buildJwt,
  buildLog,
  buildPassword,
  buildServer,
  buildSignUp,
  buildSms,
  buildTokens,
} from './sections-core.js';
import { buildEncryption, buildLockout, buildOauth2Provider, buildProviders, buildRateLimit, buildWebauthn } from './sections-features.js';
import { withoutEmpty } from './parse.js';
import type { Config } from './types.js';

export type * from './types.js';
export { cliCommand, type CliCommand } from './read.js';
export { settingsEnvNames } from './settings.js';
export { describeSettings, redactedSettings } from './describe.js';

/** The configuration cannot be used; `problems` lists every reason, one sentence each. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = Object.freeze([...problems]);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return Object.freeze(value);
}

/**
 * Loads the configuration from `env` (e.g. `process.env`) and `argv` (the arguments after the
 * script: `--name value`, `--name=value`, list flags repeatable). Throws `ConfigError`.
 */
export function loadConfig(env: Record<string, string | undefined>, argv: readonly string[] = []): Config {
  const read = readSettings(env, argv);
  const r = createReader(read);
  const server = buildServer(r);
  const database = buildDatabase(r);
  const hasura = buildHasura(r);
  const jwt = buildJwt(r, database, hasura.graphqlUrl);
  const config: Config = {
    server,
    log: buildLog(r),
    storage: { dataDir: r.get('AUTH_DATA_DIR') },
    database,
    hasura,
    jwt,
    security: { requireElevatedClaim: r.get('AUTH_REQUIRE_ELEVATED_CLAIM') },
    tokens: buildTokens(r),
    signUp: buildSignUp(r),
    gravatar: {
      enabled: r.get('AUTH_GRAVATAR_ENABLED'),
      defaultImage: r.get('AUTH_GRAVATAR_DEFAULT'),
      rating: r.get('AUTH_GRAVATAR_RATING'),
    },
    anonymousUsers: { enabled: r.get('AUTH_ANONYMOUS_USERS_ENABLED') },
    password: buildPassword(r),
    redirects: {
      clientUrl: server.clientUrl,
      allowedUrls: withoutEmpty(r.get('AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS')),
    },
    accessControl: {
      allowedEmails: withoutEmpty(r.get('AUTH_ACCESS_CONTROL_ALLOWED_EMAILS')),
      allowedDomains: withoutEmpty(r.get('AUTH_ACCESS_CONTROL_ALLOWED_EMAIL_DOMAINS')),
      blockedEmails: withoutEmpty(r.get('AUTH_ACCESS_CONTROL_BLOCKED_EMAILS')),
      blockedDomains: withoutEmpty(r.get('AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS')),
    },
    email: buildEmail(r),
    templates: { path: r.get('AUTH_EMAIL_TEMPLATES_PATH') },
    sms: buildSms(r),
    passwordless: {
      emailEnabled: r.get('AUTH_EMAIL_PASSWORDLESS_ENABLED'),
      smsEnabled: r.get('AUTH_SMS_PASSWORDLESS_ENABLED'),
    },
    oauth: { stateTtlMs: r.get('AUTH_OAUTH_STATE_TTL') },
    providers: buildProviders(r),
    idToken: {
      apple: { audience: r.get('AUTH_PROVIDER_APPLE_AUDIENCE') },
      google: { audience: r.get('AUTH_PROVIDER_GOOGLE_AUDIENCE') },
    },
    webauthn: buildWebauthn(r, server.clientUrl),
    mfa: { enabled: r.get('AUTH_MFA_ENABLED'), totpIssuer: r.get('AUTH_MFA_TOTP_ISSUER') },
    otp: { emailEnabled: r.get('AUTH_OTP_EMAIL_ENABLED'), maxAttempts: r.get('AUTH_OTP_MAX_ATTEMPTS') },
    rateLimit: buildRateLimit(r),
    lockout: buildLockout(r),
    turnstile: { enabled: r.get('AUTH_TURNSTILE_SECRET') !== '', secret: r.get('AUTH_TURNSTILE_SECRET'), verifyUrl: r.get('AUTH_TURNSTILE_VERIFY_URL') },
    encryption: buildEncryption(r, database),
    oauth2Provider: buildOauth2Provider(r, server.clientUrl, jwt.secret),
  };
  if (config.otp.maxAttempts < 1) r.problem('AUTH_OTP_MAX_ATTEMPTS', `must be at least 1 (got ${config.otp.maxAttempts})`);
  if (config.oauth.stateTtlMs <= 0 && !r.isInvalid('AUTH_OAUTH_STATE_TTL')) r.problem('AUTH_OAUTH_STATE_TTL', 'must be a positive duration');
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  rememberRead(config, read);
  return deepFreeze(config);
}

import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, cliCommand, describeSettings, loadConfig, redactedSettings, settingsEnvNames } from './load.js';

const JWT_SECRET = JSON.stringify({ type: 'HS256', key: 'a-signing-key-that-is-long-enough-for-hs256-0123456789' });
const ENCRYPTION_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
/** A complete configuration with an external PostgreSQL. */
const EXTERNAL = {
  POSTGRES_CONNECTION: 'postgres://auth:pw@db:5432/app',
  HASURA_GRAPHQL_JWT_SECRET: JWT_SECRET,
  AUTH_ENCRYPTION_KEY: ENCRYPTION_KEY,
};

function problemsOf(env: Record<string, string | undefined>, argv: string[] = []): readonly string[] {
  try {
    loadConfig(env, argv);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('loadConfig defaults', () => {
  it('starts with no settings at all, on the embedded database', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: 'embedded', dataDir: path.join('./data', 'db') });
    expect(config.storage.dataDir).toBe('./data');
    expect(config.jwt.secret).toBeNull();
    expect(config.encryption.keyHex).toBeNull();
  });

  it('keeps the reference defaults', () => {
    const config = loadConfig({});
    expect(config.server).toEqual({
      port: 4000,
      host: '::',
      apiPrefix: '',
      serverUrl: '',
      clientUrl: '',
      concealErrors: false,
      enableChangeEnv: false,
      trustedProxies: [],
    });
    expect(config.tokens).toEqual({ accessTokenExpiresInSeconds: 900, refreshTokenExpiresInSeconds: 2592000, refreshTokenReuseGraceMs: 30_000 });
    expect(config.signUp).toMatchObject({ defaultRole: 'user', defaultAllowedRoles: ['me', 'user'], localeDefault: 'en', allowedLocales: ['en'], emailVerifiedRequired: true });
    expect(config.gravatar).toEqual({ enabled: true, defaultImage: 'blank', rating: 'g' });
    expect(config.email.smtp).toMatchObject({ port: 587, authMethod: 'PLAIN', secure: false });
    expect(config.templates.path).toBe('/app/email-templates');
    expect(config.password).toMatchObject({ minLength: 3, hibpEnabled: false, hashCost: 10, hashQueueLimit: 64 });
    expect(config.security.requireElevatedClaim).toBe('disabled');
    expect(config.mfa).toEqual({ enabled: false, totpIssuer: 'auth' });
    expect(config.webauthn.timeoutMs).toBe(60_000);
    expect(config.sms.provider).toBe('twilio');
    expect(config.providers.github).toMatchObject({
      enabled: false,
      scopes: ['user:email'],
      authorizationUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      userProfileUrl: 'https://api.github.com/user',
    });
    expect(config.providers.azuread.tenant).toBe('common');
    expect(config.oauth2Provider).toMatchObject({ enabled: false, accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 2592000 });
    expect(config.oauth.stateTtlMs).toBe(600_000);
    expect(config.otp.maxAttempts).toBe(5);
  });

  it('turns rate limiting on by default, with the reference limits (deliberate difference)', () => {
    const { rateLimit } = loadConfig({});
    expect(rateLimit.enabled).toBe(true);
    expect(rateLimit.global).toEqual({ burst: 100, intervalMs: 60_000 });
    expect(rateLimit.email).toEqual({ burst: 10, intervalMs: 3_600_000, isGlobal: false });
    expect(rateLimit.sms).toEqual({ burst: 10, intervalMs: 3_600_000 });
    expect(rateLimit.bruteForce).toEqual({ burst: 10, intervalMs: 300_000 });
    expect(rateLimit.signups).toEqual({ burst: 10, intervalMs: 300_000 });
    expect(rateLimit.oauth2Server).toEqual({ burst: 100, intervalMs: 300_000 });
    expect(loadConfig({}).lockout).toEqual({ maxFailures: 10, delayMs: 60_000, maxDelayMs: 3_600_000 });
    expect(() => loadConfig({ AUTH_LOCKOUT_MAX_FAILURES: '-1', AUTH_LOCKOUT_DELAY: '2h', AUTH_LOCKOUT_MAX_DELAY: '1h' })).toThrow(
      /AUTH_LOCKOUT_MAX_FAILURES: must be 0 \(off\) or more[\s\S]*AUTH_LOCKOUT_MAX_DELAY: must not be shorter than AUTH_LOCKOUT_DELAY/,
    );
  });

  it('resolves 0 hash workers to the number of CPUs', () => {
    expect(loadConfig({}).password.hashWorkers).toBe(availableParallelism());
    expect(loadConfig({ AUTH_PASSWORD_HASH_WORKERS: '3' }).password.hashWorkers).toBe(3);
  });
});

describe('precedence: flag > environment > default', () => {
  it('prefers the flag over the environment', () => {
    expect(loadConfig({ AUTH_PORT: '4500' }, ['--port', '5000']).server.port).toBe(5000);
    expect(loadConfig({ AUTH_PORT: '4500' }, ['--port=6000']).server.port).toBe(6000);
    expect(loadConfig({ AUTH_PORT: '4500' }).server.port).toBe(4500);
  });

  it('reads single-dash flags as Go does', () => {
    expect(loadConfig({}, ['-port', '5001']).server.port).toBe(5001);
  });

  it('replaces an environment list with the flag items, repeated flags adding up', () => {
    const config = loadConfig({ AUTH_LOCALE_ALLOWED_LOCALES: 'it' }, ['--allowed-locales', 'fr', '--allowed-locales=de,es']);
    expect(config.signUp.allowedLocales).toEqual(['fr', 'de', 'es', 'en']);
  });

  it('takes a lone boolean flag as true and a following boolean word as its value', () => {
    expect(loadConfig({}, ['--debug']).log.level).toBe('debug');
    expect(loadConfig({ AUTH_DEBUG: 'true' }, ['--debug', 'false']).log.level).toBe('info');
    expect(loadConfig({ AUTH_DEBUG: 'true' }, ['--debug=0']).log.level).toBe('info');
    expect(loadConfig({}, ['--debug', '--port', '1234'])).toMatchObject({ log: { level: 'debug' }, server: { port: 1234 } });
  });

  it('lets the last occurrence of a scalar flag win', () => {
    expect(loadConfig({}, ['--port', '1', '--port', '2']).server.port).toBe(2);
  });

  it('reports unknown flags, stray arguments and flags without a value', () => {
    expect(problemsOf({}, ['--nope', 'serve', '--port'])).toEqual([
      'unknown command-line flag --nope',
      'unexpected command-line argument "serve"',
      '--port: needs a value',
    ]);
  });

  it('tells what the command line asks for', () => {
    expect(cliCommand([])).toBe('serve');
    expect(cliCommand(['--port', '1', '--help'])).toBe('help');
    expect(cliCommand(['-h'])).toBe('help');
    expect(cliCommand(['--version'])).toBe('version');
    expect(cliCommand(['docs'])).toBe('docs');
  });
});

describe('the database URL and its two names', () => {
  it('reads POSTGRES_CONNECTION first', () => {
    const config = loadConfig({ ...EXTERNAL, HASURA_GRAPHQL_DATABASE_URL: 'postgres://other/db' });
    expect(config.database).toMatchObject({ kind: 'external', url: 'postgres://auth:pw@db:5432/app' });
  });

  it('falls back to HASURA_GRAPHQL_DATABASE_URL only when POSTGRES_CONNECTION is not defined at all', () => {
    const { POSTGRES_CONNECTION: _, ...rest } = EXTERNAL;
    expect(loadConfig({ ...rest, HASURA_GRAPHQL_DATABASE_URL: 'postgres://hasura/db' }).database).toMatchObject({ kind: 'external', url: 'postgres://hasura/db' });
    expect(loadConfig({ ...rest, POSTGRES_CONNECTION: undefined, HASURA_GRAPHQL_DATABASE_URL: 'postgres://hasura/db' }).database).toMatchObject({ url: 'postgres://hasura/db' });
  });

  it('counts a defined-but-empty POSTGRES_CONNECTION as defined and refuses it', () => {
    const problems = problemsOf({ ...EXTERNAL, POSTGRES_CONNECTION: '', HASURA_GRAPHQL_DATABASE_URL: 'postgres://hasura/db' });
    expect(problems).toEqual([expect.stringMatching(/^POSTGRES_CONNECTION: is defined but empty/)]);
  });

  it('names HASURA_GRAPHQL_DATABASE_URL when that is the one defined but empty', () => {
    const { POSTGRES_CONNECTION: _, ...rest } = EXTERNAL;
    expect(problemsOf({ ...rest, HASURA_GRAPHQL_DATABASE_URL: '' })).toEqual([expect.stringMatching(/^HASURA_GRAPHQL_DATABASE_URL: is defined but empty/)]);
  });

  it('lets --postgres override both variables', () => {
    const config = loadConfig({ ...EXTERNAL, HASURA_GRAPHQL_DATABASE_URL: 'postgres://h/db' }, ['--postgres', 'postgresql://flag/db']);
    expect(config.database).toMatchObject({ kind: 'external', url: 'postgresql://flag/db' });
  });

  it('uses the embedded database in AUTH_DATA_DIR when neither name is defined', () => {
    expect(loadConfig({ AUTH_DATA_DIR: '/var/lib/latchkey' }).database).toEqual({ kind: 'embedded', dataDir: '/var/lib/latchkey/db' });
  });

  it('adds sslmode=disable to the migration URL with the right separator, unless an sslmode is named', () => {
    const migrationsUrl = (env: Record<string, string>) => {
      const db = loadConfig({ ...EXTERNAL, ...env }).database;
      return db.kind === 'external' ? db.migrationsUrl : null;
    };
    expect(migrationsUrl({})).toBe('postgres://auth:pw@db:5432/app?sslmode=disable');
    expect(migrationsUrl({ POSTGRES_MIGRATIONS_CONNECTION: 'postgres://admin@db/app?application_name=m' })).toBe('postgres://admin@db/app?application_name=m&sslmode=disable');
    expect(migrationsUrl({ POSTGRES_MIGRATIONS_CONNECTION: 'postgres://admin@db/app?sslmode=require' })).toBe('postgres://admin@db/app?sslmode=require');
  });

  it('refuses connection strings that are not postgres URLs', () => {
    expect(problemsOf({ ...EXTERNAL, POSTGRES_CONNECTION: 'host=db dbname=app' })).toEqual([expect.stringMatching(/^POSTGRES_CONNECTION: must be a postgres:\/\//)]);
  });
});

describe('keys: required with PostgreSQL, generated with the embedded database', () => {
  it('requires HASURA_GRAPHQL_JWT_SECRET and AUTH_ENCRYPTION_KEY with an external database', () => {
    expect(problemsOf({ POSTGRES_CONNECTION: 'postgres://db/app' })).toEqual([
      expect.stringMatching(/^HASURA_GRAPHQL_JWT_SECRET: is required/),
      expect.stringMatching(/^AUTH_ENCRYPTION_KEY: is required/),
    ]);
  });

  it('keeps the JWT secret as raw JSON text', () => {
    expect(loadConfig(EXTERNAL).jwt.secret).toBe(JWT_SECRET);
  });

  it('accepts 16-, 24- and 32-byte hex encryption keys, as the reference does', () => {
    for (const key of [ENCRYPTION_KEY, ENCRYPTION_KEY.slice(0, 48), ENCRYPTION_KEY.slice(0, 32).toUpperCase()]) {
      expect(loadConfig({ ...EXTERNAL, AUTH_ENCRYPTION_KEY: key }).encryption.keyHex).toBe(key);
    }
    expect(problemsOf({ ...EXTERNAL, AUTH_ENCRYPTION_KEY: 'zz'.repeat(32) })).toEqual([expect.stringMatching(/^AUTH_ENCRYPTION_KEY: must be 64 hex/)]);
    expect(problemsOf({ ...EXTERNAL, AUTH_ENCRYPTION_KEY: ENCRYPTION_KEY.slice(0, 40) })).toHaveLength(1);
  });

  it('reads previous signing keys with their retirement time', () => {
    const previous = [
      { type: 'HS256', key: 'old-key-1', retire_at: '2030-01-02T03:04:05Z' },
      { type: 'HS256', key: 'old-key-2', retire_at: 1_900_000_000 },
      { type: 'HS256', key: 'old-key-3' },
    ];
    const config = loadConfig({ ...EXTERNAL, AUTH_JWT_PREVIOUS_SECRETS: JSON.stringify(previous) });
    expect(config.jwt.previousSecrets).toEqual([
      { secret: '{"type":"HS256","key":"old-key-1"}', retireAt: new Date('2030-01-02T03:04:05Z') },
      { secret: '{"type":"HS256","key":"old-key-2"}', retireAt: new Date(1_900_000_000_000) },
      { secret: '{"type":"HS256","key":"old-key-3"}' },
    ]);
  });

  it('refuses malformed previous keys', () => {
    expect(problemsOf({ AUTH_JWT_PREVIOUS_SECRETS: '{"type":"HS256"}' })).toEqual([expect.stringMatching(/must be a JSON array/)]);
    expect(problemsOf({ AUTH_JWT_PREVIOUS_SECRETS: '[1, {"key":"k","retire_at":"soon"}]' })).toEqual([
      'AUTH_JWT_PREVIOUS_SECRETS: item 1 is not a JSON object',
      'AUTH_JWT_PREVIOUS_SECRETS: item 2: retire_at must be an ISO 8601 time or seconds since the epoch',
    ]);
  });

  it('parses custom claims and their defaults', () => {
    const config = loadConfig({
      HASURA_GRAPHQL_GRAPHQL_URL: 'http://graphql:8080/v1/graphql',
      AUTH_JWT_CUSTOM_CLAIMS: '{"org":"profile.orgId"}',
      AUTH_JWT_CUSTOM_CLAIMS_DEFAULTS: '{"org":"none"}',
    });
    expect(config.jwt.customClaims).toEqual({ org: 'profile.orgId' });
    expect(config.jwt.customClaimsDefaults).toEqual({ org: 'none' });
    expect(config.hasura.metadataUrl).toBe('http://graphql:8080/v1/metadata');
  });
});

describe('every problem at once', () => {
  it('lists every invalid value in one ConfigError', () => {
    const error = (() => {
      try {
        loadConfig(
          {
            POSTGRES_CONNECTION: 'postgres://db/app',
            AUTH_DEBUG: 'yes',
            AUTH_PORT: 'http',
            AUTH_ACCESS_TOKEN_EXPIRES_IN: '15m',
            AUTH_RATE_LIMIT_GLOBAL_INTERVAL: '60',
            AUTH_GRAVATAR_RATING: 'G',
            AUTH_JWT_CUSTOM_CLAIMS: '{"a":1}',
            AUTH_PASSWORD_HASH_COST: '20',
            AUTH_CLIENT_URL: 'http://[::1',
          },
          ['--smtp-port', '-1'],
        );
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'AUTH_DEBUG: "yes" is not a boolean (accepted: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False)',
      'AUTH_ACCESS_TOKEN_EXPIRES_IN: "15m" is not an integer (decimal, or with a 0x, 0o, 0b or leading-0 octal prefix; _ may separate digits)',
      '--smtp-port: "-1" is not an unsigned integer (decimal, or with a 0x, 0o, 0b or leading-0 octal prefix; _ may separate digits)',
      'AUTH_GRAVATAR_RATING: "G" is not allowed: allowed values are g, pg, r, x',
      'AUTH_RATE_LIMIT_GLOBAL_INTERVAL: "60" is missing a unit (e.g. 30s; only 0 may be written without one)',
      'AUTH_PORT: "http" is not a TCP port (0 to 65535)',
      'AUTH_CLIENT_URL: "http://[::1" is not a valid URL (missing \']\' in host)',
      'HASURA_GRAPHQL_JWT_SECRET: is required with an external PostgreSQL (only with the embedded database is a key generated)',
      'AUTH_JWT_CUSTOM_CLAIMS: values must be strings (paths); not for a',
      'AUTH_JWT_CUSTOM_CLAIMS: needs HASURA_GRAPHQL_GRAPHQL_URL to fetch the claims',
      'AUTH_PASSWORD_HASH_COST: must be between 4 and 15 (got 20)',
      expect.stringMatching(/^AUTH_ENCRYPTION_KEY: is required/),
    ]);
    expect((error as ConfigError).message).toContain('  - AUTH_DEBUG: "yes" is not a boolean');
  });

  it('never repeats a secret value in a problem', () => {
    const problems = problemsOf({ HASURA_GRAPHQL_JWT_SECRET: '{"type":"HS256","key":"super-secret-value"', AUTH_SMTP_PORT: 'x' });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toContain('super-secret-value');
    expect(problems[0]).toMatch(/^HASURA_GRAPHQL_JWT_SECRET: the value is not valid JSON/);
  });

  it('checks the credentials of the SMS provider only when SMS sign-in is enabled', () => {
    expect(problemsOf({ AUTH_SMS_PROVIDER: 'carrier-pigeon' })).toEqual([]);
    expect(problemsOf({ AUTH_SMS_PASSWORDLESS_ENABLED: 'true', AUTH_SMS_PROVIDER: 'carrier-pigeon' })).toEqual([
      'AUTH_SMS_PROVIDER: unsupported SMS provider "carrier-pigeon" (use twilio, modica or dev)',
    ]);
    expect(problemsOf({ AUTH_SMS_PASSWORDLESS_ENABLED: 'true', AUTH_SMS_TWILIO_ACCOUNT_SID: 'AC1' })).toEqual([
      expect.stringMatching(/^AUTH_SMS_TWILIO_AUTH_TOKEN: is required/),
      expect.stringMatching(/^AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID: is required/),
    ]);
    expect(problemsOf({ AUTH_SMS_PASSWORDLESS_ENABLED: '1', AUTH_SMS_PROVIDER: 'Modica', AUTH_SMS_MODICA_USERNAME: 'u' })).toEqual([
      expect.stringMatching(/^AUTH_SMS_MODICA_PASSWORD: is required/),
    ]);
    expect(loadConfig({ AUTH_SMS_PASSWORDLESS_ENABLED: '1', AUTH_SMS_PROVIDER: 'DEV' }).sms.provider).toBe('dev');
    expect(loadConfig({ AUTH_SMS_PROVIDER: '' }).sms.provider).toBe('twilio');
  });

  it('checks the Apple key only when Apple sign-in is enabled', () => {
    expect(problemsOf({ AUTH_PROVIDER_APPLE_PRIVATE_KEY: 'garbage' })).toEqual([]);
    expect(problemsOf({ AUTH_PROVIDER_APPLE_ENABLED: 'true', AUTH_PROVIDER_APPLE_PRIVATE_KEY: 'garbage' })).toEqual([
      'AUTH_PROVIDER_APPLE_TEAM_ID: is required when AUTH_PROVIDER_APPLE_ENABLED is true',
      'AUTH_PROVIDER_APPLE_KEY_ID: is required when AUTH_PROVIDER_APPLE_ENABLED is true',
      'AUTH_PROVIDER_APPLE_PRIVATE_KEY: is not a readable PEM private key (nor base64 of one)',
    ]);
  });

  it('checks the OAuth2 provider mode when enabled', () => {
    expect(problemsOf({ ...EXTERNAL, AUTH_OAUTH2_PROVIDER_ENABLED: 'true', AUTH_OAUTH2_PROVIDER_ACCESS_TOKEN_TTL: '0' })).toEqual([
      'AUTH_OAUTH2_PROVIDER_LOGIN_URL: or AUTH_CLIENT_URL is required when AUTH_OAUTH2_PROVIDER_ENABLED is true',
      'AUTH_OAUTH2_PROVIDER_ACCESS_TOKEN_TTL: must be a positive number of seconds',
      'AUTH_OAUTH2_PROVIDER_ENABLED: requires an RS256, RS384 or RS512 HASURA_GRAPHQL_JWT_SECRET',
    ]);
    expect(loadConfig({ AUTH_OAUTH2_PROVIDER_ENABLED: 'true', AUTH_CLIENT_URL: 'https://app.example' }).oauth2Provider.loginUrl).toBe('https://app.example');
  });

  it('refuses bad trusted proxies, rate-limit stores and Latchkey limits', () => {
    expect(
      problemsOf({
        AUTH_TRUSTED_PROXIES: '10.0.0.0/8,::1,192.168.1.1/33, 10.0.0.1',
        AUTH_RATE_LIMIT_REDIS_URL: 'http://redis',
        AUTH_RATE_LIMIT_MEMCACHE_SERVER: 'memcached:11211',
        AUTH_RATE_LIMIT_SMS_BURST: '0',
        AUTH_OTP_MAX_ATTEMPTS: '0',
        AUTH_OAUTH_STATE_TTL: '-1m',
        AUTH_REFRESH_TOKEN_REUSE_GRACE: '0',
      }),
    ).toEqual([
      'AUTH_TRUSTED_PROXIES: "192.168.1.1/33" is not an IP address or CIDR range',
      'AUTH_TRUSTED_PROXIES: " 10.0.0.1" is not an IP address or CIDR range',
      'AUTH_RATE_LIMIT_REDIS_URL: must be a redis:// or rediss:// URL',
      'AUTH_RATE_LIMIT_REDIS_URL and AUTH_RATE_LIMIT_MEMCACHE_SERVER are both set: choose one store for the rate-limit counters',
      'AUTH_RATE_LIMIT_SMS_BURST: must be at least 1 (got 0)',
      'AUTH_OTP_MAX_ATTEMPTS: must be at least 1 (got 0)',
      'AUTH_OAUTH_STATE_TTL: must be a positive duration',
    ]);
  });

  it('ignores the legacy variables of older releases', () => {
    const legacy = ['AUTH_EMAIL_TEMPLATE_FETCH_URL', 'AUTH_SHOW_LOG_QUERY_PARAMS', 'AUTH_SIGNIN_PHONE_NUMBER_VERIFIED_REQUIRED', 'AUTH_SKIP_INIT', 'AUTH_SKIP_SERVE', 'AUTH_SMS_TEST_PHONE_NUMBERS', 'AUTH_USER_SESSION_VARIABLE_FIELDS', 'AUTH_VERSION', 'AUTH_LOG_LEVEL', 'AUTH_HOST', 'AUTH_PROVIDER_WORKOS_SCOPE', 'NODE_ENV'];
    expect(problemsOf(Object.fromEntries(legacy.map((name) => [name, 'not even valid {'])))).toEqual([]);
    expect(loadConfig({ AUTH_PROVIDER_WORKOS_SCOPE: 'openid' }).providers.workos.scopes).toEqual(['']);
  });
});

describe('the empty-boolean quirk', () => {
  it('reads a defined-but-empty boolean as false, even where the default is true', () => {
    const config = loadConfig({ AUTH_GRAVATAR_ENABLED: '', AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED: '', AUTH_RATE_LIMIT_ENABLE: '' });
    expect(config.gravatar.enabled).toBe(false);
    expect(config.signUp.emailVerifiedRequired).toBe(false);
    expect(config.rateLimit.enabled).toBe(false);
  });

  it('keeps the default for other empty types, and empties strings', () => {
    const config = loadConfig({ AUTH_ACCESS_TOKEN_EXPIRES_IN: '', AUTH_RATE_LIMIT_GLOBAL_INTERVAL: '', AUTH_USER_DEFAULT_ALLOWED_ROLES: '', AUTH_GRAVATAR_RATING: '', AUTH_MFA_TOTP_ISSUER: '' });
    expect(config.tokens.accessTokenExpiresInSeconds).toBe(900);
    expect(config.rateLimit.global.intervalMs).toBe(60_000);
    expect(config.signUp.defaultAllowedRoles).toEqual(['me', 'user']);
    expect(config.gravatar.rating).toBe('g');
    expect(config.mfa.totpIssuer).toBe('');
  });
});

describe('derived values', () => {
  it('appends the default role to the allowed roles and keeps the raw list for the role upsert', () => {
    const config = loadConfig({ AUTH_USER_DEFAULT_ALLOWED_ROLES: 'me,,editor, viewer', AUTH_USER_DEFAULT_ROLE: 'editor' });
    expect(config.signUp.defaultAllowedRoles).toEqual(['me', 'editor', ' viewer']);
    expect(config.signUp.rolesToRegister).toEqual(['me', '', 'editor', ' viewer']);
    expect(loadConfig({ AUTH_USER_DEFAULT_ROLE: 'member' }).signUp.defaultAllowedRoles).toEqual(['me', 'member']);
  });

  it('appends the default locale to the allowed locales', () => {
    const config = loadConfig({ AUTH_LOCALE_DEFAULT: 'fr', AUTH_LOCALE_ALLOWED_LOCALES: 'en,de,' });
    expect(config.signUp.allowedLocales).toEqual(['en', 'de', 'fr']);
    expect(problemsOf({ AUTH_LOCALE_DEFAULT: 'en-US' })).toEqual(['AUTH_LOCALE_DEFAULT: "en-US" must be a 2- or 3-letter locale']);
  });

  it.each<[string, string]>([
    ['https://app.example.com:3000/path', 'app.example.com'],
    ['http://localhost:3000', 'localhost'],
    ['http://[::1]:3000', '::1'],
    ['https://user@example.org', 'example.org'],
    ['myapp://callback', 'callback'],
    ['', ''],
  ])('derives the WebAuthn relying party from AUTH_CLIENT_URL %j', (clientUrl, rpId) => {
    const config = loadConfig({ AUTH_CLIENT_URL: clientUrl });
    expect(config.webauthn.rpId).toBe(rpId);
    expect(config.webauthn.rpName).toBe(rpId);
  });

  it('adds the raw client URL to the WebAuthn origins, even when empty', () => {
    expect(loadConfig({ AUTH_CLIENT_URL: 'https://app.example', AUTH_WEBAUTHN_RP_ORIGINS: 'https://admin.example,' }).webauthn.rpOrigins).toEqual(['https://admin.example', 'https://app.example']);
    expect(loadConfig({ AUTH_WEBAUTHN_RP_ORIGINS: 'https://app.example', AUTH_CLIENT_URL: 'https://app.example' }).webauthn.rpOrigins).toEqual(['https://app.example']);
    expect(loadConfig({}).webauthn.rpOrigins).toEqual(['']);
    expect(loadConfig({ AUTH_CLIENT_URL: 'https://app.example', AUTH_WEBAUTHN_RP_ID: 'example', AUTH_WEBAUTHN_RP_NAME: 'Example' }).webauthn).toMatchObject({ rpId: 'example', rpName: 'Example' });
  });

  it('requires a relying party when WebAuthn is on', () => {
    expect(problemsOf({ AUTH_WEBAUTHN_ENABLED: 'true' })).toEqual([expect.stringMatching(/^AUTH_WEBAUTHN_RP_ID: is required/)]);
  });

  it.each<[string, string]>([
    ['', ''],
    ['/', ''],
    ['/v1', '/v1'],
    ['v1', '/v1'],
    ['/v1/', '/v1'],
    ['//api/v1//', '/api/v1'],
  ])('normalises the API prefix %j to %j', (raw, prefix) => {
    expect(loadConfig({ AUTH_API_PREFIX: raw }).server.apiPrefix).toBe(prefix);
  });

  it('keeps redirect patterns and email lists raw, dropping only empty items', () => {
    const config = loadConfig({
      AUTH_CLIENT_URL: 'http://localhost:3000',
      AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS: 'https://*.acme.io,, myapp://cb',
      AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS: 'spam.com,Spam.COM,',
    });
    expect(config.redirects).toEqual({ clientUrl: 'http://localhost:3000', allowedUrls: ['https://*.acme.io', ' myapp://cb'] });
    expect(config.accessControl.blockedDomains).toEqual(['spam.com', 'Spam.COM']);
  });

  it('accepts what Go parses as a URL and refuses what it does not', () => {
    for (const url of ['example.com', 'myapp:callback', 'http://localhost:3000/a b', '/relative']) {
      expect(problemsOf({ AUTH_CLIENT_URL: url })).toEqual([]);
    }
    expect(problemsOf({ AUTH_SERVER_URL: '://x' })).toEqual(['AUTH_SERVER_URL: "://x" is not a valid URL (missing protocol scheme)']);
    expect(problemsOf({ AUTH_SERVER_URL: 'http://h:port' })).toEqual(['AUTH_SERVER_URL: "http://h:port" is not a valid URL (invalid port ":port" after host)']);
    expect(problemsOf({ AUTH_SERVER_URL: 'http://h/%zz' })).toEqual(['AUTH_SERVER_URL: "http://h/%zz" is not a valid URL (invalid URL escape in path)']);
  });

  it('falls back to the provider default scopes when no scope remains', () => {
    expect(loadConfig({ AUTH_PROVIDER_GOOGLE_SCOPE: ',' }).providers.google.scopes).toEqual(['openid', 'email', 'profile']);
    expect(loadConfig({ AUTH_PROVIDER_GOOGLE_SCOPE: 'openid,,email' }).providers.google.scopes).toEqual(['openid', 'email']);
    expect(loadConfig({ AUTH_PROVIDER_WINDOWS_LIVE_SCOPE: 'wl.basic' }, ['--windowslive-enabled']).providers.windowslive).toMatchObject({ enabled: true, scopes: ['wl.basic'] });
  });

  it('decodes the Apple private key from escaped or base64 PEM', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const apple = { AUTH_PROVIDER_APPLE_ENABLED: 'true', AUTH_PROVIDER_APPLE_TEAM_ID: 'T', AUTH_PROVIDER_APPLE_KEY_ID: 'K' };
    const escaped = pem.replaceAll('\n', '\\n');
    expect(loadConfig({ ...apple, AUTH_PROVIDER_APPLE_PRIVATE_KEY: escaped }).providers.apple.privateKeyPem).toBe(pem);
    expect(loadConfig({ ...apple, AUTH_PROVIDER_APPLE_PRIVATE_KEY: Buffer.from(pem).toString('base64') }).providers.apple.privateKeyPem).toBe(pem);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(problemsOf({ ...apple, AUTH_PROVIDER_APPLE_PRIVATE_KEY: rsa })).toEqual(['AUTH_PROVIDER_APPLE_PRIVATE_KEY: must be an EC P-256 private key']);
  });

  it('chooses Twilio Verify by the Verify service SID in the messaging service setting', () => {
    expect(loadConfig({ AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID: 'VA0123' }).sms.twilio.usesVerify).toBe(true);
    expect(loadConfig({ AUTH_SMS_TWILIO_ACCOUNT_SID: 'VA0123', AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID: 'MG0123' }).sms.twilio.usesVerify).toBe(false);
  });

  it('switches to Postmark on the host name postmark and enables Turnstile with its secret', () => {
    const config = loadConfig({ AUTH_SMTP_HOST: 'postmark', AUTH_TURNSTILE_SECRET: 'ts' });
    expect(config.email.usesPostmark).toBe(true);
    expect(config.turnstile).toEqual({ enabled: true, secret: 'ts', verifyUrl: 'https://challenges.cloudflare.com/turnstile/v0/siteverify' });
  });
});

describe('the loaded config', () => {
  it('is deeply frozen', () => {
    const config = loadConfig(EXTERNAL);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.signUp.defaultAllowedRoles)).toBe(true);
    expect(Object.isFrozen(config.providers.github.scopes)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => (config.signUp.defaultAllowedRoles as string[]).push('admin')).toThrow(TypeError);
  });
});

describe('redactedSettings', () => {
  it('masks secrets and what the reference masks by flag name, and shows the rest', () => {
    const config = loadConfig({
      ...EXTERNAL,
      AUTH_SMTP_PASS: 'smtp-pass',
      AUTH_PROVIDER_GITHUB_CLIENT_ID: 'gh-id',
      AUTH_PROVIDER_GITHUB_CLIENT_SECRET: 'gh-secret',
      HASURA_GRAPHQL_ADMIN_SECRET: 'admin',
      AUTH_CLIENT_URL: 'https://app.example',
      AUTH_RATE_LIMIT_GLOBAL_INTERVAL: '90s',
    });
    const shown = redactedSettings(config);
    for (const name of ['POSTGRES_CONNECTION', 'HASURA_GRAPHQL_JWT_SECRET', 'AUTH_ENCRYPTION_KEY', 'AUTH_SMTP_PASS', 'AUTH_PROVIDER_GITHUB_CLIENT_ID', 'AUTH_PROVIDER_GITHUB_CLIENT_SECRET', 'HASURA_GRAPHQL_ADMIN_SECRET', 'AUTH_ACCESS_TOKEN_EXPIRES_IN']) {
      expect(shown[name], name).toBe('********');
    }
    expect(JSON.stringify(shown)).not.toMatch(/smtp-pass|gh-id|gh-secret|auth:pw|signing-key/);
    expect(shown['AUTH_CLIENT_URL']).toBe('https://app.example');
    expect(shown['AUTH_RATE_LIMIT_GLOBAL_INTERVAL']).toBe('90s');
    expect(shown['AUTH_SMS_TWILIO_AUTH_TOKEN']).toBe('');
    expect(shown['AUTH_USER_DEFAULT_ALLOWED_ROLES']).toEqual(['me']);
    expect(Object.keys(shown)).toHaveLength(settingsEnvNames().length - 1);
  });
});

describe('the setting list', () => {
  it('declares every variable of CONFIG.md §22, the target additions and the Latchkey ones, once', () => {
    const names = settingsEnvNames();
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(151 + 9 + 14 + 5 + 5 + 2 + 28 + 14); // + abuse controls (HIBP URL, Turnstile URL, three lockout settings) + Google endpoints + Apple issuer and JWKS + nine social providers + Apple, Microsoft, WorkOS and Twitter endpoints
    for (const name of ['POSTGRES_CONNECTION', 'HASURA_GRAPHQL_DATABASE_URL', 'AUTH_PROVIDER_WINDOWS_LIVE_SCOPE', 'AUTH_PROVIDER_TWITTER_CONSUMER_KEY', 'AUTH_ENCRYPTION_KEY', 'AUTH_RATE_LIMIT_OAUTH2_SERVER_INTERVAL', 'AUTH_DATA_DIR', 'AUTH_POSTMARK_API_URL']) {
      expect(names).toContain(name);
    }
    for (const absent of ['AUTH_PROVIDER_APPLE_CLIENT_SECRET', 'AUTH_PROVIDER_WORKOS_SCOPE', 'AUTH_PROVIDER_TWITTER_CLIENT_ID', 'AUTH_HOST', 'AUTH_LOG_LEVEL']) {
      expect(names).not.toContain(absent);
    }
  });

  it('describes every variable in --help', () => {
    const help = describeSettings();
    for (const name of settingsEnvNames()) expect(help).toContain(name);
    expect(help).toContain('--windowslive-client-id');
    expect(help).toContain('--rate-limit-enable, AUTH_RATE_LIMIT_ENABLE  (boolean; default: true)');
  });
});

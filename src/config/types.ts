/**
 * The loaded configuration: one nested, deeply frozen object built by `loadConfig`. Sections are
 * named after the feature that reads them; the environment variable behind each field is in its
 * comment. Durations carry their unit in the name.
 */
import type { ProviderId } from './settings-providers.js';

export type { ProviderId } from './settings-providers.js';

/** An OAuth 2 provider with the standard four settings (CONFIG.md §14.1). */
export interface OAuthProviderConfig {
  /** AUTH_PROVIDER_<P>_ENABLED */
  readonly enabled: boolean;
  /** AUTH_PROVIDER_<P>_CLIENT_ID */
  readonly clientId: string;
  /** AUTH_PROVIDER_<P>_CLIENT_SECRET; `''` for Apple (see `apple.privateKeyPem`). */
  readonly clientSecret: string;
  /** AUTH_PROVIDER_<P>_SCOPE with empty items dropped, or the provider default when none remain. */
  readonly scopes: readonly string[];
}

export interface AppleProviderConfig extends OAuthProviderConfig {
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly teamId: string;
  readonly keyId: string;
  /** AUTH_PROVIDER_APPLE_PRIVATE_KEY as PEM text (`\n` sequences and base64 already decoded). */
  readonly privateKeyPem: string;
}

export interface GithubProviderConfig extends OAuthProviderConfig {
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly userProfileUrl: string;
}

/** A provider whose endpoints are settings (Latchkey additions; defaults are the reference's URLs). */
export interface OAuthEndpointsConfig {
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  readonly userProfileUrl: string;
}

/** An OpenID Connect provider: its ID tokens are checked against this issuer and key set. */
export interface OidcEndpointsConfig extends OAuthEndpointsConfig {
  readonly issuer: string;
  readonly jwksUrl: string;
}

export interface GoogleProviderConfig extends OAuthProviderConfig, OidcEndpointsConfig {}

/** OAuth 2 providers whose three endpoints are settings (PROVIDERS.md §6.4–6.15). */
export type EndpointProviderId = 'bitbucket' | 'discord' | 'facebook' | 'gitlab' | 'spotify' | 'strava' | 'twitch' | 'windowslive';

export interface EndpointProviderConfig extends OAuthProviderConfig, OAuthEndpointsConfig {}

/** LinkedIn also names the issuer of the ID token its token endpoint returns with the `openid` scope. */
export interface LinkedinProviderConfig extends OAuthProviderConfig, OAuthEndpointsConfig {
  readonly issuer: string;
}

export interface MicrosoftProviderConfig extends OAuthProviderConfig, OAuthEndpointsConfig {
  /** AUTH_PROVIDER_AZUREAD_TENANT / AUTH_PROVIDER_ENTRAID_TENANT (already substituted for `{tenant}` in the URLs). */
  readonly tenant: string;
}

export interface WorkosProviderConfig extends OAuthProviderConfig {
  readonly defaultOrganization: string;
  readonly defaultConnection: string;
  readonly defaultDomain: string;
  readonly authorizationUrl: string;
  /** The profile comes in the token response (WorkOS SSO). */
  readonly tokenUrl: string;
}

/** Twitter signs in with OAuth 1.0a consumer credentials and has no scopes. */
export interface TwitterProviderConfig {
  readonly enabled: boolean;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly requestTokenUrl: string;
  readonly authorizationUrl: string;
  /** The access-token endpoint. */
  readonly tokenUrl: string;
  /** verify_credentials.json */
  readonly userProfileUrl: string;
}

export type ProvidersConfig = {
  readonly apple: AppleProviderConfig;
  readonly github: GithubProviderConfig;
  readonly google: GoogleProviderConfig;
  readonly azuread: MicrosoftProviderConfig;
  readonly entraid: MicrosoftProviderConfig;
  readonly workos: WorkosProviderConfig;
  readonly twitter: TwitterProviderConfig;
  readonly linkedin: LinkedinProviderConfig;
} & {
  readonly [P in EndpointProviderId]: EndpointProviderConfig;
} & {
  readonly [P in Exclude<ProviderId, 'apple' | 'github' | 'google' | 'azuread' | 'entraid' | 'workos' | 'twitter' | 'linkedin' | EndpointProviderId>]: OAuthProviderConfig;
};

export interface RateLimitRule {
  /** Requests allowed per window. */
  readonly burst: number;
  readonly intervalMs: number;
}

/** A retired JWT signing key still accepted for verification (AUTH_JWT_PREVIOUS_SECRETS). */
export interface PreviousJwtSecret {
  /** The key as JSON text in HASURA_GRAPHQL_JWT_SECRET format (without `retire_at`). */
  readonly secret: string;
  /** From `retire_at`: from this instant on the key no longer verifies; absent = never. */
  readonly retireAt?: Date;
}

export type DatabaseConfig =
  | {
      /** Neither POSTGRES_CONNECTION nor HASURA_GRAPHQL_DATABASE_URL is defined: embedded PGlite. */
      readonly kind: 'embedded';
      /** Folder of the embedded database, `<AUTH_DATA_DIR>/db`. */
      readonly dataDir: string;
    }
  | {
      readonly kind: 'external';
      /** POSTGRES_CONNECTION, else HASURA_GRAPHQL_DATABASE_URL. */
      readonly url: string;
      /** POSTGRES_MIGRATIONS_CONNECTION or `url`, with `sslmode=disable` added when it names no sslmode. */
      readonly migrationsUrl: string;
    };

export interface Config {
  readonly server: {
    /** AUTH_PORT */
    readonly port: number;
    /**
     * Always `::`, every interface over IPv6 and IPv4, as the reference's `:<port>` (AUTH_HOST is a
     * legacy variable and ignored). Not null: Fastify would read null as `localhost`.
     */
    readonly host: string;
    /** AUTH_API_PREFIX normalised to `''` or `/segment…` without a trailing slash. */
    readonly apiPrefix: string;
    /** AUTH_SERVER_URL, verbatim. */
    readonly serverUrl: string;
    /** AUTH_CLIENT_URL, verbatim. */
    readonly clientUrl: string;
    /** AUTH_CONCEAL_ERRORS */
    readonly concealErrors: boolean;
    /** AUTH_ENABLE_CHANGE_ENV */
    readonly enableChangeEnv: boolean;
    /** AUTH_TRUSTED_PROXIES: addresses and CIDR ranges; empty = forwarded headers never trusted. */
    readonly trustedProxies: readonly string[];
  };
  readonly log: {
    /** AUTH_DEBUG */
    readonly level: 'debug' | 'info';
    /** AUTH_LOG_FORMAT_TEXT */
    readonly format: 'json' | 'text';
  };
  readonly storage: {
    /** AUTH_DATA_DIR: embedded database and generated keys. */
    readonly dataDir: string;
  };
  readonly database: DatabaseConfig;
  readonly hasura: {
    /** HASURA_GRAPHQL_GRAPHQL_URL */
    readonly graphqlUrl: string;
    /** The GraphQL URL with its first `/v1/graphql` replaced by `/v1/metadata`. */
    readonly metadataUrl: string;
    /** HASURA_GRAPHQL_ADMIN_SECRET */
    readonly adminSecret: string;
  };
  readonly jwt: {
    /** HASURA_GRAPHQL_JWT_SECRET as raw JSON text; null = generate one (embedded database only). */
    readonly secret: string | null;
    /** AUTH_JWT_PREVIOUS_SECRETS */
    readonly previousSecrets: readonly PreviousJwtSecret[];
    /** AUTH_JWT_CUSTOM_CLAIMS: claim name → path in the user; empty = feature off. */
    readonly customClaims: Readonly<Record<string, string>>;
    /** AUTH_JWT_CUSTOM_CLAIMS_DEFAULTS */
    readonly customClaimsDefaults: Readonly<Record<string, unknown>>;
  };
  readonly security: {
    /** AUTH_REQUIRE_ELEVATED_CLAIM */
    readonly requireElevatedClaim: 'disabled' | 'recommended' | 'required';
  };
  readonly tokens: {
    /** AUTH_ACCESS_TOKEN_EXPIRES_IN */
    readonly accessTokenExpiresInSeconds: number;
    /** AUTH_REFRESH_TOKEN_EXPIRES_IN */
    readonly refreshTokenExpiresInSeconds: number;
    /** AUTH_REFRESH_TOKEN_REUSE_GRACE */
    readonly refreshTokenReuseGraceMs: number;
  };
  readonly signUp: {
    /** AUTH_DISABLE_SIGNUP: every way of creating a user fails with signup-disabled. */
    readonly disableSignup: boolean;
    /** AUTH_DISABLE_NEW_USERS: new users are created disabled. */
    readonly disableNewUsers: boolean;
    /** AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED */
    readonly emailVerifiedRequired: boolean;
    /** AUTH_USER_DEFAULT_ROLE */
    readonly defaultRole: string;
    /** AUTH_USER_DEFAULT_ALLOWED_ROLES without empty items, plus the default role when missing. */
    readonly defaultAllowedRoles: readonly string[];
    /** Roles upserted into auth.roles at start-up: the raw list (empty items kept) + default role, deduplicated. */
    readonly rolesToRegister: readonly string[];
    /** AUTH_LOCALE_DEFAULT */
    readonly localeDefault: string;
    /** AUTH_LOCALE_ALLOWED_LOCALES without empty items, plus the default locale when missing. */
    readonly allowedLocales: readonly string[];
  };
  readonly gravatar: {
    /** AUTH_GRAVATAR_ENABLED */
    readonly enabled: boolean;
    /** AUTH_GRAVATAR_DEFAULT */
    readonly defaultImage: 'blank' | 'identicon' | 'monsterid' | 'wavatar' | 'retro' | 'robohash' | 'mp' | '404';
    /** AUTH_GRAVATAR_RATING */
    readonly rating: 'g' | 'pg' | 'r' | 'x';
  };
  readonly anonymousUsers: {
    /** AUTH_ANONYMOUS_USERS_ENABLED */
    readonly enabled: boolean;
  };
  readonly password: {
    /** AUTH_PASSWORD_MIN_LENGTH, in UTF-8 bytes. */
    readonly minLength: number;
    /** AUTH_PASSWORD_HIBP_ENABLED */
    readonly hibpEnabled: boolean;
    /** AUTH_PASSWORD_HIBP_API_URL, without a trailing slash. */
    readonly hibpApiUrl: string;
    /** AUTH_PASSWORD_HASH_COST */
    readonly hashCost: number;
    /** AUTH_PASSWORD_HASH_WORKERS, with 0 resolved to the number of CPUs. */
    readonly hashWorkers: number;
    /** AUTH_PASSWORD_HASH_QUEUE_LIMIT */
    readonly hashQueueLimit: number;
  };
  readonly redirects: {
    /** AUTH_CLIENT_URL: always the first allowed pattern and the default redirect target. */
    readonly clientUrl: string;
    /** AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS, raw patterns without empty items. */
    readonly allowedUrls: readonly string[];
  };
  /** AUTH_ACCESS_CONTROL_*: exact, case-sensitive, untrimmed entries, empty items dropped. */
  readonly accessControl: {
    readonly allowedEmails: readonly string[];
    readonly allowedDomains: readonly string[];
    readonly blockedEmails: readonly string[];
    readonly blockedDomains: readonly string[];
  };
  readonly email: {
    /** AUTH_SMTP_HOST is exactly `postmark`: send through the Postmark API. */
    readonly usesPostmark: boolean;
    /** AUTH_POSTMARK_API_URL, without a trailing slash. */
    readonly postmarkApiUrl: string;
    readonly smtp: {
      readonly host: string;
      readonly port: number;
      /** AUTH_SMTP_SECURE: TLS from the first byte. */
      readonly secure: boolean;
      readonly user: string;
      readonly password: string;
      readonly sender: string;
      readonly authMethod: 'LOGIN' | 'PLAIN' | 'CRAM-MD5';
      /** AUTH_SMTP_X_SMTPAPI_HEADER; `''` = no header. */
      readonly apiHeader: string;
    };
  };
  readonly templates: {
    /** AUTH_EMAIL_TEMPLATES_PATH (the fallback folders are tried by the template loader). */
    readonly path: string;
  };
  readonly sms: {
    /** AUTH_SMS_PROVIDER lower-cased, `''` read as `twilio`. */
    readonly provider: 'twilio' | 'modica' | 'dev';
    readonly twilio: {
      readonly accountSid: string;
      readonly authToken: string;
      readonly messagingServiceId: string;
      /** The messaging service id is a Verify service SID (`VA…`): Twilio generates and checks codes. */
      readonly usesVerify: boolean;
      /** AUTH_SMS_TWILIO_API_URL, without a trailing slash. */
      readonly apiUrl: string;
      /** AUTH_SMS_TWILIO_VERIFY_API_URL, without a trailing slash. */
      readonly verifyApiUrl: string;
    };
    readonly modica: {
      readonly username: string;
      readonly password: string;
      /** AUTH_SMS_MODICA_API_URL, without a trailing slash. */
      readonly apiUrl: string;
    };
  };
  readonly passwordless: {
    /** AUTH_EMAIL_PASSWORDLESS_ENABLED */
    readonly emailEnabled: boolean;
    /** AUTH_SMS_PASSWORDLESS_ENABLED */
    readonly smsEnabled: boolean;
  };
  readonly oauth: {
    /** AUTH_OAUTH_STATE_TTL */
    readonly stateTtlMs: number;
  };
  readonly providers: ProvidersConfig;
  /** ID-token sign-in: a provider is enabled when its audience is non-empty. */
  readonly idToken: {
    readonly apple: { readonly audience: string };
    readonly google: { readonly audience: string };
  };
  readonly webauthn: {
    readonly enabled: boolean;
    /** AUTH_WEBAUTHN_RP_ID, else the host name of AUTH_CLIENT_URL. */
    readonly rpId: string;
    /** AUTH_WEBAUTHN_RP_NAME, else the RP id. */
    readonly rpName: string;
    /** AUTH_WEBAUTHN_RP_ORIGINS without empty items, plus AUTH_CLIENT_URL (even if empty) when missing. */
    readonly rpOrigins: readonly string[];
    /** AUTH_WEBAUTHN_ATTESTATION_TIMEOUT, honoured (unlike the reference). */
    readonly timeoutMs: number;
  };
  readonly mfa: {
    /** AUTH_MFA_ENABLED */
    readonly enabled: boolean;
    /** AUTH_MFA_TOTP_ISSUER */
    readonly totpIssuer: string;
  };
  readonly otp: {
    /** AUTH_OTP_EMAIL_ENABLED */
    readonly emailEnabled: boolean;
    /** AUTH_OTP_MAX_ATTEMPTS */
    readonly maxAttempts: number;
  };
  readonly rateLimit: {
    /** AUTH_RATE_LIMIT_ENABLE (Latchkey default: true) */
    readonly enabled: boolean;
    readonly global: RateLimitRule;
    readonly email: RateLimitRule & { readonly isGlobal: boolean };
    readonly sms: RateLimitRule;
    readonly bruteForce: RateLimitRule;
    readonly signups: RateLimitRule;
    readonly oauth2Server: RateLimitRule;
    /** AUTH_RATE_LIMIT_MEMCACHE_SERVER / _PREFIX; server `''` = not used. */
    readonly memcache: { readonly server: string; readonly prefix: string };
    /** AUTH_RATE_LIMIT_REDIS_URL; `''` = not used. */
    readonly redisUrl: string;
  };
  /** Per-account lockout after wrong passwords and e-mail codes. */
  readonly lockout: {
    /** AUTH_LOCKOUT_MAX_FAILURES; 0 = off. */
    readonly maxFailures: number;
    /** AUTH_LOCKOUT_DELAY */
    readonly delayMs: number;
    /** AUTH_LOCKOUT_MAX_DELAY */
    readonly maxDelayMs: number;
  };
  readonly turnstile: {
    /** AUTH_TURNSTILE_SECRET is non-empty. */
    readonly enabled: boolean;
    readonly secret: string;
    /** AUTH_TURNSTILE_VERIFY_URL */
    readonly verifyUrl: string;
  };
  readonly encryption: {
    /** AUTH_ENCRYPTION_KEY, hex; null = generate one (embedded database only). */
    readonly keyHex: string | null;
  };
  readonly oauth2Provider: {
    readonly enabled: boolean;
    /** AUTH_OAUTH2_PROVIDER_LOGIN_URL, else AUTH_CLIENT_URL. */
    readonly loginUrl: string;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
    readonly cimd: { readonly enabled: boolean; readonly allowInsecureTransport: boolean };
  };
}

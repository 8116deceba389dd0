/**
 * Every setting, declared once: Nhost Auth's variables (CONFIG.md §22 and API-NEWER.md §4) with
 * their reference defaults, plus Latchkey's own (`latchkey: true`). Loading, `--help` and
 * docs/configuration.md are derived from this list.
 */
import type { Setting } from './setting.js';
import { PROVIDER_SETTINGS } from './settings-providers.js';

export type { Setting, SettingGroup, SettingType } from './setting.js';
export { SETTING_GROUPS } from './setting.js';
export { PROVIDER_IDS, type ProviderId } from './settings-providers.js';

const CORE_SETTINGS = [
  // Server (CONFIG.md §3)
  { env: 'AUTH_PORT', flag: 'port', type: 'string', default: '4000', group: 'Server', description: 'TCP port the server listens on, on all interfaces.' },
  { env: 'AUTH_API_PREFIX', flag: 'api-prefix', type: 'string', default: '', group: 'Server', description: 'Path prefix of every API route (e.g. /v1); /healthz is then also served without it.' },
  { env: 'AUTH_SERVER_URL', flag: 'server-url', type: 'string', default: '', group: 'Server', description: 'Public URL of this service including any API prefix, used in email links and OAuth callback URLs.' },
  { env: 'AUTH_CLIENT_URL', flag: 'client-url', type: 'string', default: '', group: 'Server', description: 'URL of the front end: default redirect target, always-allowed redirect base and default WebAuthn relying party.' },
  { env: 'AUTH_ENABLE_CHANGE_ENV', flag: 'enable-change-env', type: 'boolean', default: false, group: 'Server', description: 'Serve POST /change-env, which reconfigures the running server for end-to-end tests; never enable in production.' },
  { env: 'AUTH_CONCEAL_ERRORS', flag: 'conceal-errors', type: 'boolean', default: false, group: 'Server', description: 'Answer errors that reveal account details with the generic invalid-request error instead.' },
  { env: 'AUTH_TRUSTED_PROXIES', flag: 'trusted-proxies', type: 'list', default: [], latchkey: true, group: 'Server', description: 'Addresses or CIDR ranges of proxies whose X-Forwarded-For / X-Real-IP headers are trusted for the client IP; none by default.' },

  // Logging (§4)
  { env: 'AUTH_DEBUG', flag: 'debug', type: 'boolean', default: false, group: 'Logging', description: 'Log at debug level instead of info.' },
  { env: 'AUTH_LOG_FORMAT_TEXT', flag: 'log-format-text', type: 'boolean', default: false, group: 'Logging', description: 'Write human-readable text logs instead of one JSON object per line.' },

  // Database (§5)
  { env: 'POSTGRES_CONNECTION', alsoEnv: ['HASURA_GRAPHQL_DATABASE_URL'], flag: 'postgres', type: 'string', default: '', secret: true, group: 'Database', defaultNote: 'none: the embedded database in AUTH_DATA_DIR is used', referenceDefault: 'postgres://postgres:postgres@localhost:5432/local?sslmode=disable', description: 'PostgreSQL connection URI; HASURA_GRAPHQL_DATABASE_URL is read only when POSTGRES_CONNECTION is not defined at all.' },
  { env: 'POSTGRES_MIGRATIONS_CONNECTION', flag: 'postgres-migrations', type: 'string', default: '', secret: true, group: 'Database', defaultNote: 'the runtime connection', description: 'PostgreSQL connection URI used only to apply migrations, typically a more privileged role.' },
  { env: 'AUTH_DATA_DIR', flag: 'data-dir', type: 'string', default: './data', latchkey: true, group: 'Database', description: 'Folder of the embedded database and of generated keys, used when no PostgreSQL is configured.' },

  // Hasura (§6)
  { env: 'HASURA_GRAPHQL_GRAPHQL_URL', flag: 'graphql-url', type: 'string', default: '', group: 'Hasura', description: 'Hasura GraphQL endpoint, used for custom claims and (with /v1/metadata instead of /v1/graphql) for metadata.' },
  { env: 'HASURA_GRAPHQL_ADMIN_SECRET', flag: 'hasura-admin-secret', type: 'string', default: '', secret: true, group: 'Hasura', description: 'Hasura admin secret sent with metadata calls and custom-claims queries.' },

  // JWT, sessions and tokens (§6, §7)
  { env: 'HASURA_GRAPHQL_JWT_SECRET', flag: 'hasura-graphql-jwt-secret', type: 'json', default: '', secret: true, group: 'JWT and sessions', defaultNote: 'generated and kept in AUTH_DATA_DIR with the embedded database; required with PostgreSQL', referenceDefault: 'required', description: 'JWT signing configuration shared with Hasura, a JSON object with type, key and optional signing_key, kid, issuer, claims_namespace.' },
  { env: 'AUTH_JWT_PREVIOUS_SECRETS', flag: 'jwt-previous-secrets', type: 'json', default: '', secret: true, latchkey: true, group: 'JWT and sessions', description: 'Retired signing keys still accepted for verification: a JSON array of objects in HASURA_GRAPHQL_JWT_SECRET format, each with an optional retire_at time.' },
  { env: 'AUTH_ACCESS_TOKEN_EXPIRES_IN', flag: 'access-tokens-expires-in', type: 'int', default: 900, group: 'JWT and sessions', description: 'Access-token lifetime in seconds.' },
  { env: 'AUTH_REFRESH_TOKEN_EXPIRES_IN', flag: 'refresh-token-expires-in', type: 'int', default: 2592000, group: 'JWT and sessions', description: 'Refresh-token lifetime in seconds, restarted at every rotation.' },
  { env: 'AUTH_REFRESH_TOKEN_REUSE_GRACE', flag: 'refresh-token-reuse-grace', type: 'duration', default: '30s', latchkey: true, group: 'JWT and sessions', description: 'Window in which a rotated-out refresh token still yields the current session; a replay after it revokes the session.' },
  { env: 'AUTH_JWT_CUSTOM_CLAIMS', flag: 'custom-claims', type: 'json', default: '', group: 'JWT and sessions', description: 'Extra Hasura claims fetched per token, a JSON object mapping claim names to paths in the user.' },
  { env: 'AUTH_JWT_CUSTOM_CLAIMS_DEFAULTS', flag: 'custom-claims-defaults', type: 'json', default: '', group: 'JWT and sessions', description: 'JSON object of fallback values per custom claim, used when its path yields nothing.' },
  { env: 'AUTH_REQUIRE_ELEVATED_CLAIM', flag: 'require-elevated-claim', type: 'enum', values: ['disabled', 'recommended', 'required'], default: 'disabled', group: 'JWT and sessions', description: 'When sensitive operations (PATs, email and password change, security keys) require a recently elevated session.' },

  // Sign-up and users (§8)
  { env: 'AUTH_DISABLE_SIGNUP', flag: 'disable-signup', type: 'boolean', default: false, group: 'Sign-up and users', description: 'Refuse every way of creating a user with signup-disabled.' },
  { env: 'AUTH_DISABLE_NEW_USERS', flag: 'disable-new-users', type: 'boolean', default: false, group: 'Sign-up and users', description: 'Create new users disabled, so they cannot sign in until enabled.' },
  { env: 'AUTH_USER_DEFAULT_ROLE', flag: 'default-role', type: 'string', default: 'user', group: 'Sign-up and users', description: 'Default role of new users; it is always added to the allowed roles.' },
  { env: 'AUTH_USER_DEFAULT_ALLOWED_ROLES', flag: 'default-allowed-roles', type: 'list', default: ['me'], group: 'Sign-up and users', description: 'Roles given to new users, and the roles a sign-up request may ask for.' },
  { env: 'AUTH_LOCALE_DEFAULT', flag: 'default-locale', type: 'string', default: 'en', group: 'Sign-up and users', description: 'Locale of new users that ask for none or a disallowed one, and the fallback template locale.' },
  { env: 'AUTH_LOCALE_ALLOWED_LOCALES', flag: 'allowed-locales', type: 'list', default: ['en'], group: 'Sign-up and users', description: 'Locales a request may ask for; the default locale is always added.' },
  { env: 'AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED', flag: 'email-verification-required', type: 'boolean', default: true, group: 'Sign-up and users', description: 'Require a verified email address to sign in; new email sign-ups get a verification email instead of a session.' },
  { env: 'AUTH_ANONYMOUS_USERS_ENABLED', flag: 'enable-anonymous-users', type: 'boolean', default: false, group: 'Sign-up and users', description: 'Allow anonymous sign-in (POST /signin/anonymous).' },

  // Passwords (§8, §16)
  { env: 'AUTH_PASSWORD_MIN_LENGTH', flag: 'password-min-length', type: 'int', default: 3, group: 'Passwords', description: 'Minimum password length in UTF-8 bytes.' },
  { env: 'AUTH_PASSWORD_HIBP_ENABLED', flag: 'password-hibp-enabled', type: 'boolean', default: false, group: 'Passwords', description: "Refuse passwords found in Have I Been Pwned's Pwned Passwords list." },
  { env: 'AUTH_PASSWORD_HIBP_API_URL', flag: 'password-hibp-api-url', type: 'string', default: 'https://api.pwnedpasswords.com', latchkey: true, group: 'Passwords', description: 'Base URL of the Pwned Passwords range API (GET <url>/range/<prefix>), used when AUTH_PASSWORD_HIBP_ENABLED is on.' },
  { env: 'AUTH_PASSWORD_HASH_COST', flag: 'password-hash-cost', type: 'int', default: 10, latchkey: true, group: 'Passwords', description: 'bcrypt cost of new password hashes, from 4 to 15.' },
  { env: 'AUTH_PASSWORD_HASH_WORKERS', flag: 'password-hash-workers', type: 'int', default: 0, latchkey: true, group: 'Passwords', defaultNote: 'the number of CPUs', description: 'Worker threads that hash passwords; 0 means one per CPU.' },
  { env: 'AUTH_PASSWORD_HASH_QUEUE_LIMIT', flag: 'password-hash-queue-limit', type: 'int', default: 64, latchkey: true, group: 'Passwords', description: 'Waiting hash jobs beyond which further requests are refused with 429.' },

  // Redirects (§9)
  { env: 'AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS', flag: 'allow-redirect-urls', type: 'list', default: [], group: 'Redirects', description: 'Further allowed redirectTo patterns besides AUTH_CLIENT_URL (globs: * within a segment, ** anything).' },

  // Email access control (§10)
  { env: 'AUTH_ACCESS_CONTROL_ALLOWED_EMAILS', flag: 'allowed-emails', type: 'list', default: [], group: 'Email access control', description: 'Email addresses allowed to sign up or sign in; when this or the domain list is set, all others are refused.' },
  { env: 'AUTH_ACCESS_CONTROL_ALLOWED_EMAIL_DOMAINS', flag: 'allowed-email-domains', type: 'list', default: [], group: 'Email access control', description: 'Email domains allowed to sign up or sign in (exact match).' },
  { env: 'AUTH_ACCESS_CONTROL_BLOCKED_EMAILS', flag: 'block-emails', type: 'list', default: [], group: 'Email access control', description: 'Email addresses refused.' },
  { env: 'AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS', flag: 'block-email-domains', type: 'list', default: [], group: 'Email access control', description: 'Email domains refused (exact match).' },

  // Email delivery (§11)
  { env: 'AUTH_SMTP_HOST', flag: 'smtp-host', type: 'string', default: '', group: 'Email delivery', description: 'SMTP server host; the value postmark sends through the Postmark API with AUTH_SMTP_PASS as server token.' },
  { env: 'AUTH_SMTP_PORT', flag: 'smtp-port', type: 'uint', default: 587, group: 'Email delivery', description: 'SMTP server port.' },
  { env: 'AUTH_SMTP_SECURE', flag: 'smtp-secure', type: 'boolean', default: false, group: 'Email delivery', description: 'Use TLS from the first byte (e.g. port 465); otherwise STARTTLS is used when the server offers it.' },
  { env: 'AUTH_SMTP_USER', flag: 'smtp-user', type: 'string', default: '', group: 'Email delivery', description: 'SMTP user name.' },
  { env: 'AUTH_SMTP_PASS', flag: 'smtp-password', type: 'string', default: '', secret: true, group: 'Email delivery', description: 'SMTP password, or the Postmark server token.' },
  { env: 'AUTH_SMTP_SENDER', flag: 'smtp-sender', type: 'string', default: '', group: 'Email delivery', description: 'From header of every email, e.g. "Acme <no-reply@acme.com>".' },
  { env: 'AUTH_SMTP_AUTH_METHOD', flag: 'smtp-auth-method', type: 'enum', values: ['LOGIN', 'PLAIN', 'CRAM-MD5'], default: 'PLAIN', group: 'Email delivery', description: 'SMTP authentication mechanism.' },
  { env: 'AUTH_SMTP_X_SMTPAPI_HEADER', flag: 'smtp-api-header', type: 'string', default: '', group: 'Email delivery', description: 'When set, added to every email as the X-SMTPAPI header.' },
  { env: 'AUTH_POSTMARK_API_URL', flag: 'postmark-api-url', type: 'string', default: 'https://api.postmarkapp.com', latchkey: true, group: 'Email delivery', description: 'Base URL of the Postmark API, used when AUTH_SMTP_HOST is postmark.' },

  // Email templates (§12)
  { env: 'AUTH_EMAIL_TEMPLATES_PATH', flag: 'templates-path', type: 'string', default: '/app/email-templates', group: 'Email templates', description: 'Folder of the email and SMS templates; email-templates and share/email-templates are tried when it does not exist.' },

  // SMS (§13)
  { env: 'AUTH_SMS_PASSWORDLESS_ENABLED', flag: 'sms-passwordless-enabled', type: 'boolean', default: false, group: 'SMS', description: 'Allow passwordless sign-in with a code sent by SMS.' },
  { env: 'AUTH_SMS_PROVIDER', flag: 'sms-provider', type: 'string', default: 'twilio', group: 'SMS', description: 'SMS provider: twilio, modica, or dev (logs messages instead of sending them).' },
  { env: 'AUTH_SMS_TWILIO_ACCOUNT_SID', flag: 'sms-twilio-account-sid', type: 'string', default: '', group: 'SMS', description: 'Twilio account SID.' },
  { env: 'AUTH_SMS_TWILIO_AUTH_TOKEN', flag: 'sms-twilio-auth-token', type: 'string', default: '', secret: true, group: 'SMS', description: 'Twilio auth token.' },
  { env: 'AUTH_SMS_TWILIO_MESSAGING_SERVICE_ID', flag: 'sms-twilio-messaging-service-id', type: 'string', default: '', group: 'SMS', description: 'Twilio messaging service SID or sender number; a Verify service SID (VA…) selects Twilio Verify.' },
  { env: 'AUTH_SMS_MODICA_USERNAME', flag: 'sms-modica-username', type: 'string', default: '', group: 'SMS', description: 'Modica Group API user name.' },
  { env: 'AUTH_SMS_MODICA_PASSWORD', flag: 'sms-modica-password', type: 'string', default: '', secret: true, group: 'SMS', description: 'Modica Group API password.' },
  { env: 'AUTH_SMS_TWILIO_API_URL', flag: 'sms-twilio-api-url', type: 'string', default: 'https://api.twilio.com', latchkey: true, group: 'SMS', description: 'Base URL of the Twilio REST API that sends messages.' },
  { env: 'AUTH_SMS_TWILIO_VERIFY_API_URL', flag: 'sms-twilio-verify-api-url', type: 'string', default: 'https://verify.twilio.com', latchkey: true, group: 'SMS', description: 'Base URL of the Twilio Verify API, used when the messaging service id is a Verify service SID.' },
  { env: 'AUTH_SMS_MODICA_API_URL', flag: 'sms-modica-api-url', type: 'string', default: 'https://api.modicagroup.com', latchkey: true, group: 'SMS', description: 'Base URL of the Modica Group REST API.' },

  // OAuth sign-in
  { env: 'AUTH_OAUTH_STATE_TTL', flag: 'oauth-state-ttl', type: 'duration', default: '10m', latchkey: true, group: 'OAuth sign-in', description: 'How long a started provider sign-in may take before its state expires.' },

  // WebAuthn (§15)
  { env: 'AUTH_WEBAUTHN_ENABLED', flag: 'webauthn-enabled', type: 'boolean', default: false, group: 'WebAuthn', description: 'Allow security keys and passkeys for sign-up, sign-in and elevation.' },
  { env: 'AUTH_WEBAUTHN_RP_ID', flag: 'webauthn-rp-id', type: 'string', default: '', group: 'WebAuthn', defaultNote: 'the host name of AUTH_CLIENT_URL', description: 'Relying-party id, a domain the front end is served from.' },
  { env: 'AUTH_WEBAUTHN_RP_NAME', flag: 'webauthn-rp-name', type: 'string', default: '', group: 'WebAuthn', defaultNote: 'the relying-party id', description: 'Relying-party name shown by authenticators.' },
  { env: 'AUTH_WEBAUTHN_RP_ORIGINS', flag: 'webauthn-rp-origins', type: 'list', default: [], group: 'WebAuthn', description: 'Origins WebAuthn ceremonies may come from; AUTH_CLIENT_URL is always added.' },
  { env: 'AUTH_WEBAUTHN_ATTESTATION_TIMEOUT', flag: 'webauthn-attestation-timeout', type: 'int', default: 60000, group: 'WebAuthn', description: 'Time a WebAuthn ceremony may take, in milliseconds.' },

  // MFA and one-time codes (§16)
  { env: 'AUTH_MFA_ENABLED', flag: 'mfa-enabled', type: 'boolean', default: false, group: 'MFA and one-time codes', description: 'Let users enrol a TOTP second factor.' },
  { env: 'AUTH_MFA_TOTP_ISSUER', flag: 'mfa-totp-issuer', type: 'string', default: 'auth', group: 'MFA and one-time codes', description: 'Issuer shown by authenticator apps for TOTP codes.' },
  { env: 'AUTH_OTP_EMAIL_ENABLED', flag: 'otp-email-enabled', type: 'boolean', default: false, group: 'MFA and one-time codes', description: 'Allow sign-in with a one-time code sent by email.' },
  { env: 'AUTH_OTP_MAX_ATTEMPTS', flag: 'otp-max-attempts', type: 'int', default: 5, latchkey: true, group: 'MFA and one-time codes', description: 'Wrong attempts after which a one-time code (email, SMS or TOTP at sign-in) is burned.' },

  // Passwordless (§16)
  { env: 'AUTH_EMAIL_PASSWORDLESS_ENABLED', flag: 'email-passwordless-enabled', type: 'boolean', default: false, group: 'Passwordless', description: 'Allow passwordless sign-in with a magic link sent by email.' },

  // Gravatar (§16)
  { env: 'AUTH_GRAVATAR_ENABLED', flag: 'gravatar-enabled', type: 'boolean', default: true, group: 'Gravatar', description: 'Give new users a Gravatar URL as avatar.' },
  { env: 'AUTH_GRAVATAR_DEFAULT', flag: 'gravatar-default', type: 'enum', values: ['blank', 'identicon', 'monsterid', 'wavatar', 'retro', 'robohash', 'mp', '404'], default: 'blank', group: 'Gravatar', description: 'Image Gravatar shows for addresses without one (d parameter).' },
  { env: 'AUTH_GRAVATAR_RATING', flag: 'gravatar-rating', type: 'enum', values: ['g', 'pg', 'r', 'x'], default: 'g', group: 'Gravatar', description: 'Highest Gravatar rating shown (r parameter).' },

  // Rate limiting (§17, API-NEWER.md §4)
  { env: 'AUTH_RATE_LIMIT_ENABLE', flag: 'rate-limit-enable', type: 'boolean', default: true, referenceDefault: 'false', group: 'Rate limiting', description: 'Enforce the request limits below.' },
  { env: 'AUTH_RATE_LIMIT_GLOBAL_BURST', flag: 'rate-limit-global-burst', type: 'int', default: 100, group: 'Rate limiting', description: 'Requests per client IP per window, all routes.' },
  { env: 'AUTH_RATE_LIMIT_GLOBAL_INTERVAL', flag: 'rate-limit-global-interval', type: 'duration', default: '1m', group: 'Rate limiting', description: 'Window of the global limit.' },
  { env: 'AUTH_RATE_LIMIT_EMAIL_BURST', flag: 'rate-limit-email-burst', type: 'int', default: 10, group: 'Rate limiting', description: 'Requests that send an email, per window.' },
  { env: 'AUTH_RATE_LIMIT_EMAIL_INTERVAL', flag: 'rate-limit-email-interval', type: 'duration', default: '1h', group: 'Rate limiting', description: 'Window of the email limit.' },
  { env: 'AUTH_RATE_LIMIT_EMAIL_IS_GLOBAL', flag: 'rate-limit-email-is-global', type: 'boolean', default: false, group: 'Rate limiting', description: 'Count email-sending requests in one counter for everyone instead of per client IP.' },
  { env: 'AUTH_RATE_LIMIT_SMS_BURST', flag: 'rate-limit-sms-burst', type: 'int', default: 10, group: 'Rate limiting', description: 'Requests that send an SMS, per client IP per window.' },
  { env: 'AUTH_RATE_LIMIT_SMS_INTERVAL', flag: 'rate-limit-sms-interval', type: 'duration', default: '1h', group: 'Rate limiting', description: 'Window of the SMS limit.' },
  { env: 'AUTH_RATE_LIMIT_BRUTE_FORCE_BURST', flag: 'rate-limit-brute-force-burst', type: 'int', default: 10, group: 'Rate limiting', description: 'Sign-in and verification requests per client IP per window.' },
  { env: 'AUTH_RATE_LIMIT_BRUTE_FORCE_INTERVAL', flag: 'rate-limit-brute-force-interval', type: 'duration', default: '5m', group: 'Rate limiting', description: 'Window of the brute-force limit.' },
  { env: 'AUTH_RATE_LIMIT_SIGNUPS_BURST', flag: 'rate-limit-signups-burst', type: 'int', default: 10, group: 'Rate limiting', description: 'Sign-up requests per client IP per window.' },
  { env: 'AUTH_RATE_LIMIT_SIGNUPS_INTERVAL', flag: 'rate-limit-signups-interval', type: 'duration', default: '5m', group: 'Rate limiting', description: 'Window of the sign-up limit.' },
  { env: 'AUTH_RATE_LIMIT_OAUTH2_SERVER_BURST', flag: 'rate-limit-oauth2-server-burst', type: 'int', default: 100, group: 'Rate limiting', description: 'Requests to /oauth2/token and /oauth2/introspect per client IP per window.' },
  { env: 'AUTH_RATE_LIMIT_OAUTH2_SERVER_INTERVAL', flag: 'rate-limit-oauth2-server-interval', type: 'duration', default: '5m', group: 'Rate limiting', description: 'Window of the OAuth2 server limit.' },
  { env: 'AUTH_RATE_LIMIT_MEMCACHE_SERVER', flag: 'rate-limit-memcache-server', type: 'string', default: '', group: 'Rate limiting', description: 'Not supported by Latchkey (a warning is logged at start-up and the counters stay in process memory); use AUTH_RATE_LIMIT_REDIS_URL to share them.' },
  { env: 'AUTH_RATE_LIMIT_MEMCACHE_PREFIX', flag: 'rate-limit-memcache-prefix', type: 'string', default: '', group: 'Rate limiting', description: 'Prefix of every rate-limit counter key; Latchkey applies it to the Redis keys.' },
  { env: 'AUTH_LOCKOUT_MAX_FAILURES', flag: 'lockout-max-failures', type: 'int', default: 10, latchkey: true, group: 'Rate limiting', description: 'Wrong passwords or email codes in a row for one account after which it is locked for AUTH_LOCKOUT_DELAY; 0 turns the lockout off.' },
  { env: 'AUTH_LOCKOUT_DELAY', flag: 'lockout-delay', type: 'duration', default: '1m', latchkey: true, group: 'Rate limiting', description: 'First lock of an account; each further wrong attempt after a lock doubles it.' },
  { env: 'AUTH_LOCKOUT_MAX_DELAY', flag: 'lockout-max-delay', type: 'duration', default: '1h', latchkey: true, group: 'Rate limiting', description: 'Longest lock of an account, however many wrong attempts were made.' },
  { env: 'AUTH_RATE_LIMIT_REDIS_URL', flag: 'rate-limit-redis-url', type: 'string', default: '', secret: true, latchkey: true, group: 'Rate limiting', description: 'redis:// or rediss:// URL of a Redis shared by all instances for the counters.' },

  // Bot protection (§18)
  { env: 'AUTH_TURNSTILE_SECRET', flag: 'turnstile-secret', type: 'string', default: '', secret: true, group: 'Bot protection', description: 'Cloudflare Turnstile secret; when set, sign-up, passwordless and password-reset requests need a Turnstile token.' },
  { env: 'AUTH_TURNSTILE_VERIFY_URL', flag: 'turnstile-verify-url', type: 'string', default: 'https://challenges.cloudflare.com/turnstile/v0/siteverify', latchkey: true, group: 'Bot protection', description: "URL of Cloudflare's siteverify endpoint that Turnstile tokens are checked against." },

  // Encryption (API-NEWER.md §4)
  { env: 'AUTH_ENCRYPTION_KEY', flag: 'encryption-key', type: 'string', default: '', secret: true, group: 'Encryption', defaultNote: 'generated and kept in AUTH_DATA_DIR with the embedded database; required with PostgreSQL', referenceDefault: 'required', description: 'Hex-encoded AES key (32 bytes recommended; 16 and 24 accepted) encrypting TOTP secrets and stored provider tokens.' },

  // OAuth2 provider (API-NEWER.md §3.1, §4)
  { env: 'AUTH_OAUTH2_PROVIDER_ENABLED', flag: 'oauth2-provider-enabled', type: 'boolean', default: false, group: 'OAuth2 provider', description: 'Act as an OAuth2/OpenID Connect provider for third-party apps; needs an RS* HASURA_GRAPHQL_JWT_SECRET.' },
  { env: 'AUTH_OAUTH2_PROVIDER_LOGIN_URL', flag: 'oauth2-provider-login-url', type: 'string', default: '', group: 'OAuth2 provider', defaultNote: 'AUTH_CLIENT_URL', description: 'Consent and login page that OAuth2 authorization requests are sent to.' },
  { env: 'AUTH_OAUTH2_PROVIDER_ACCESS_TOKEN_TTL', flag: 'oauth2-provider-access-token-ttl', type: 'int', default: 900, group: 'OAuth2 provider', description: 'Lifetime of OAuth2 access and ID tokens, in seconds.' },
  { env: 'AUTH_OAUTH2_PROVIDER_REFRESH_TOKEN_TTL', flag: 'oauth2-provider-refresh-token-ttl', type: 'int', default: 2592000, group: 'OAuth2 provider', description: 'Lifetime of OAuth2 refresh tokens, in seconds.' },
  { env: 'AUTH_OAUTH2_PROVIDER_CIMD_ENABLED', flag: 'oauth2-provider-cimd-enabled', type: 'boolean', default: false, group: 'OAuth2 provider', description: 'Accept clients identified by the URL of a Client ID Metadata Document.' },
  { env: 'AUTH_OAUTH2_PROVIDER_CIMD_ALLOW_INSECURE_TRANSPORT', flag: 'oauth2-provider-cimd-allow-insecure-transport', type: 'boolean', default: false, group: 'OAuth2 provider', description: 'Allow plain HTTP and private addresses when fetching Client ID Metadata Documents (development only).' },
] as const satisfies readonly Setting[];

/** Every setting, in declaration order. */
export const SETTINGS = [...CORE_SETTINGS, ...PROVIDER_SETTINGS] as const satisfies readonly Setting[];

type Declared = (typeof SETTINGS)[number];

/** The (first) environment name of every declared setting. */
export type SettingEnv = Declared['env'];

/** The declaration of one setting, by environment name. */
export type SettingOf<E extends SettingEnv> = Extract<Declared, { env: E }>;

interface ValueByType {
  boolean: boolean;
  int: number;
  uint: number;
  string: string;
  /** Milliseconds. */
  duration: number;
  list: readonly string[];
  enum: string;
  /** Raw JSON text, `''` when not set; validated as JSON. */
  json: string;
}

/** The parsed value of a setting: enums narrow to their values. */
export type SettingValue<E extends SettingEnv> =
  SettingOf<E> extends { readonly values: readonly (infer V)[] } ? V : ValueByType[SettingOf<E>['type']];

/** Every environment name read, including the second name of the PostgreSQL URL. */
export function settingsEnvNames(): string[] {
  return SETTINGS.flatMap((s: Setting) => [s.env, ...(s.alsoEnv ?? [])]);
}

/**
 * `POST /change-env` (CONFIG.md §19) speaks its own JSON names; this maps them to the
 * environment names `loadConfig` reads. Keys the reference accepts but never applies are dropped.
 */
const RENAMED: Record<string, string> = {
  AUTH_DEFAULT_ALLOWED_ROLES: 'AUTH_USER_DEFAULT_ALLOWED_ROLES',
  AUTH_DEFAULT_ROLE: 'AUTH_USER_DEFAULT_ROLE',
  AUTH_DEFAULT_LOCALE: 'AUTH_LOCALE_DEFAULT',
  AUTH_WEBAUTHN_RPID: 'AUTH_WEBAUTHN_RP_ID',
  AUTH_WEBAUTHN_RPNAME: 'AUTH_WEBAUTHN_RP_NAME',
};

/**
 * The keys that take effect in the reference (CONFIG.md §19). Everything else — keys it accepts
 * without effect (redirect list, access-token lifetime, JWT secret, prefix, Gravatar, SMS) and
 * unknown keys — is ignored.
 */
const APPLIED = new Set([
  'HASURA_GRAPHQL_GRAPHQL_URL',
  'HASURA_GRAPHQL_ADMIN_SECRET',
  'AUTH_ANONYMOUS_USERS_ENABLED',
  'AUTH_MFA_ENABLED',
  'AUTH_CONCEAL_ERRORS',
  'AUTH_DISABLE_SIGNUP',
  'AUTH_DISABLE_NEW_USERS',
  'AUTH_PASSWORD_HIBP_ENABLED',
  'AUTH_EMAIL_SIGNIN_EMAIL_VERIFIED_REQUIRED',
  'AUTH_EMAIL_PASSWORDLESS_ENABLED',
  'AUTH_WEBAUTHN_ENABLED',
  'AUTH_OTP_EMAIL_ENABLED',
  'AUTH_SMS_PASSWORDLESS_ENABLED',
  'AUTH_ACCESS_CONTROL_ALLOWED_EMAIL_DOMAINS',
  'AUTH_ACCESS_CONTROL_ALLOWED_EMAILS',
  'AUTH_ACCESS_CONTROL_BLOCKED_EMAIL_DOMAINS',
  'AUTH_ACCESS_CONTROL_BLOCKED_EMAILS',
  'AUTH_LOCALE_ALLOWED_LOCALES',
  'AUTH_CLIENT_URL',
  'AUTH_SERVER_URL',
  'AUTH_JWT_CUSTOM_CLAIMS',
  'AUTH_JWT_CUSTOM_CLAIMS_DEFAULTS',
  'AUTH_DEFAULT_ALLOWED_ROLES',
  'AUTH_WEBAUTHN_RP_ORIGINS',
  'AUTH_DEFAULT_ROLE',
  'AUTH_DEFAULT_LOCALE',
  'AUTH_WEBAUTHN_RPID',
  'AUTH_WEBAUTHN_RPNAME',
  'AUTH_PASSWORD_MIN_LENGTH',
  'AUTH_REFRESH_TOKEN_EXPIRES_IN',
  'AUTH_WEBAUTHN_ATTESTATION_TIMEOUT',
]);

function toEnvValue(key: string, value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(',');
  // The reference takes this one in nanoseconds; the variable is in milliseconds.
  if (key === 'AUTH_WEBAUTHN_ATTESTATION_TIMEOUT' && typeof value === 'number') return String(Math.round(value / 1e6));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function changeEnvToSettings(changes: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (!APPLIED.has(key) || value === null || value === undefined) continue;
    env[RENAMED[key] ?? key] = toEnvValue(key, value);
  }
  return env;
}

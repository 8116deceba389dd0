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

/** Accepted by the reference without effect (validators and signers are built once at start-up). */
const IGNORED = new Set([
  'AUTH_ACCESS_CONTROL_ALLOWED_REDIRECT_URLS',
  'AUTH_ACCESS_TOKEN_EXPIRES_IN',
  'HASURA_GRAPHQL_JWT_SECRET',
  'AUTH_SERVER_PREFIX',
  'AUTH_GRAVATAR_ENABLED',
  'AUTH_GRAVATAR_DEFAULT',
  'AUTH_GRAVATAR_RATING',
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
    if (IGNORED.has(key) || key.startsWith('AUTH_SMS_') || value === null || value === undefined) continue;
    env[RENAMED[key] ?? key] = toEnvValue(key, value);
  }
  return env;
}

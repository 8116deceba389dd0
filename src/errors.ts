/**
 * The error catalogue of the Nhost Auth contract (API.md §1.7 + API-NEWER.md §2.6): every code a
 * client can see in the standard envelope, with its HTTP status, its exact message and whether
 * AUTH_CONCEAL_ERRORS replaces it. The order is the reference's enum order.
 */
export const ERROR_TABLE = {
  'default-role-must-be-in-allowed-roles': { status: 400, message: 'Default role must be in allowed roles', sensitive: false },
  'disabled-endpoint': { status: 409, message: 'This endpoint is disabled', sensitive: false },
  'disabled-user': { status: 401, message: 'User is disabled', sensitive: true },
  'email-already-in-use': { status: 409, message: 'Email already in use', sensitive: true },
  'email-already-verified': { status: 400, message: "User's email is already verified", sensitive: true },
  'forbidden-anonymous': { status: 403, message: 'Forbidden, user is anonymous.', sensitive: true },
  'internal-server-error': { status: 500, message: 'Internal server error', sensitive: false },
  'invalid-email-password': { status: 401, message: 'Incorrect email or password', sensitive: true },
  'invalid-request': { status: 400, message: 'The request payload is incorrect', sensitive: false },
  'locale-not-allowed': { status: 400, message: 'Locale not allowed', sensitive: false },
  'password-too-short': { status: 400, message: 'Password is too short', sensitive: false },
  'password-in-hibp-database': { status: 400, message: 'Password is in HIBP database', sensitive: false },
  'redirectTo-not-allowed': { status: 400, message: 'The value of "options.redirectTo" is not allowed.', sensitive: false },
  'role-not-allowed': { status: 400, message: 'Role not allowed', sensitive: true },
  'signup-disabled': { status: 403, message: 'Sign up is disabled.', sensitive: true },
  'unverified-user': { status: 401, message: 'User is not verified.', sensitive: true },
  'user-not-anonymous': { status: 400, message: 'Logged in user is not anonymous', sensitive: false },
  'invalid-pat': { status: 401, message: 'Invalid or expired personal access token', sensitive: true },
  'invalid-refresh-token': { status: 401, message: 'Invalid or expired refresh token', sensitive: true },
  'invalid-ticket': { status: 401, message: 'Invalid ticket', sensitive: true },
  'disabled-mfa-totp': { status: 401, message: 'User does not have TOTP MFA enabled', sensitive: true },
  'no-totp-secret': { status: 400, message: 'User does not have a TOTP secret', sensitive: true },
  'invalid-totp': { status: 401, message: 'Invalid TOTP code', sensitive: true },
  'mfa-type-not-found': { status: 400, message: 'MFA type not found', sensitive: false },
  'totp-already-active': { status: 400, message: 'TOTP MFA is already active', sensitive: false },
  'invalid-state': { status: 400, message: 'Invalid state', sensitive: false },
  // Spelling "echange" is part of the wire contract.
  'oauth-token-echange-failed': { status: 400, message: 'Failed to exchange token', sensitive: false },
  'oauth-profile-fetch-failed': { status: 400, message: 'Failed to get user profile', sensitive: false },
  'oauth-provider-error': { status: 400, message: 'Provider returned an error', sensitive: false },
  'invalid-otp': { status: 400, message: 'Invalid or expired OTP', sensitive: true },
  'cannot-send-sms': { status: 400, message: 'Cannot send SMS, check your phone number is correct', sensitive: false },
  'provider-account-already-linked': { status: 400, message: 'This provider account is already linked to a user', sensitive: false },
} as const satisfies Record<string, { status: number; message: string; sensitive: boolean }>;

export type ErrorCode = keyof typeof ERROR_TABLE;
export const ERROR_CODES = Object.keys(ERROR_TABLE) as ErrorCode[];

/** A failure a client may see: one code of the catalogue, with an optional internal cause. */
export class AuthError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, options: { cause?: unknown } = {}) {
    super(ERROR_TABLE[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthError';
    this.code = code;
    this.status = ERROR_TABLE[code].status;
  }
}

/** The envelope body for a code, after AUTH_CONCEAL_ERRORS has been applied. */
export function errorEnvelope(code: ErrorCode, concealErrors: boolean): { status: number; message: string; error: ErrorCode } {
  const shown: ErrorCode = concealErrors && ERROR_TABLE[code].sensitive ? 'invalid-request' : code;
  const entry = ERROR_TABLE[shown];
  return { status: entry.status, message: entry.message, error: shown };
}

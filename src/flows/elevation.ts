import type { FlowDeps } from './deps.js';
import type { AuthContext } from './auth-context.js';
import { hasSecurityKeysByUserId } from '../store/security-keys.js';
import { findActiveMfaTypeByUserId } from '../store/user-totp.js';

/**
 * Operations whose elevation rule falls back to `recommended` under `required`, so that a first
 * security key can be registered (API.md §1.4). Compared WITHOUT the API prefix: the reference
 * compared the raw path, so with a prefix nobody could ever register a first key.
 */
const FIRST_KEY_OPERATIONS = new Set(['addSecurityKey', 'verifyAddSecurityKey']);

/** Whether the caller's token satisfies AUTH_REQUIRE_ELEVATED_CLAIM for this operation. */
export async function isElevationSatisfied(deps: FlowDeps, auth: AuthContext, operationId: string): Promise<boolean> {
  // GET /mfa/totp/generate has its own rule (README decision; compat S16): re-keying an ACTIVE
  // second factor needs an elevated token in every mode, or a stolen access token could replace it
  // and then turn MFA off; otherwise a plain bearer token suffices, as in the target.
  if (operationId === 'changeUserMfa') return auth.isElevated || (await findActiveMfaTypeByUserId(deps.db, auth.userId)) !== 'totp';
  const mode = deps.config.security.requireElevatedClaim;
  if (mode === 'disabled' || auth.isElevated) return true;
  if (mode === 'required' && !FIRST_KEY_OPERATIONS.has(operationId)) return false;
  // `recommended` (and the first-key exception): only users with a security key must elevate.
  return !(await hasSecurityKeysByUserId(deps.db, auth.userId));
}

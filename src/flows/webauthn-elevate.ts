import { AuthError } from '../errors.js';
import { findSecurityKeysByUserId } from '../store/security-keys.js';
import type { AuthContext } from './auth-context.js';
import type { FlowDeps } from './deps.js';
import { buildRequestOptions, type RequestOptions } from './rules/webauthn-options.js';
import { issueSession, type Session } from './session.js';
import { loadCheckedUser } from './user-checks.js';
import { assertWebauthnEnabled, consumeChallenge, issueChallenge, relyingParty, verifyUserAssertion, type AssertionCredential } from './webauthn-ceremony.js';

/** `POST /elevate/webauthn` (API.md §3.8.5): authentication options listing the caller's keys. */
export async function beginElevation(deps: FlowDeps, auth: AuthContext): Promise<RequestOptions> {
  assertWebauthnEnabled(deps);
  const user = await loadCheckedUser(deps, deps.db, auth.userId);
  const keys = await findSecurityKeysByUserId(deps.db, user.id);
  if (keys.length === 0) throw new AuthError('invalid-request');
  const challenge = await issueChallenge(deps, deps.db, { ceremony: 'elevate', userId: user.id });
  return buildRequestOptions({ rp: relyingParty(deps), challenge, timeoutMs: deps.config.webauthn.timeoutMs, allowCredentialIds: keys.map((k) => k.credentialId) });
}

/**
 * `POST /elevate/webauthn/verify` (API.md §3.8.6): a new session whose access token carries
 * `x-hasura-auth-elevated` (TOKENS.md §8). The challenge must have been issued to the caller and the
 * key must be theirs: the reference accepted any user's challenge, so a stolen plain access token
 * plus the thief's own key could mint an elevated token for the victim (FLOWS.md §20 S9).
 */
export async function finishElevation(deps: FlowDeps, auth: AuthContext, input: { credential: AssertionCredential }): Promise<Session> {
  assertWebauthnEnabled(deps);
  const user = await loadCheckedUser(deps, deps.db, auth.userId);
  const challenge = await consumeChallenge(deps, input.credential, 'elevate', user.id);
  return deps.db.transaction(async (tx) => {
    await verifyUserAssertion(deps, tx, input.credential, challenge, user.id);
    return issueSession(deps, tx, user, { isElevated: true });
  });
}

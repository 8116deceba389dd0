import { AuthError } from '../errors.js';
import { findUserByEmail } from '../store/users.js';
import { findSecurityKeysByUserId } from '../store/security-keys.js';
import type { FlowDeps } from './deps.js';
import { buildRequestOptions, decoyCredentialIds, userIdOfUserHandle, type RequestOptions } from './rules/webauthn-options.js';
import { issueSession, type Session } from './session.js';
import { loadCheckedUser } from './user-checks.js';
import { assertWebauthnEnabled, consumeChallenge, issueChallenge, relyingParty, verifyUserAssertion, type AssertionCredential } from './webauthn-ceremony.js';

/**
 * `POST /signin/webauthn` (API.md §3.3.11): without an e-mail, a discoverable-credential ceremony
 * (the authenticator picks the account); with one, the options list that user's keys.
 *
 * Deliberate difference (security, spec decision "unknown and known emails get the same answer"):
 * the reference answers `invalid-email-password` for an unknown e-mail, `invalid-request` for an
 * account without keys and the user-state errors (disabled, unverified) at once, which tells
 * anybody which addresses have accounts. Here every e-mail gets options: an account's own keys,
 * or a stable decoy credential that no authenticator holds, so the ceremony fails at
 * `/verify` with `invalid-request`, as a wrong key does. The user-state errors are told at
 * `/verify`, to a caller who has just proven a key of the account.
 */
export async function beginWebauthnSignIn(deps: FlowDeps, input: { email?: string | undefined }): Promise<RequestOptions> {
  assertWebauthnEnabled(deps);
  const rp = relyingParty(deps);
  const timeoutMs = deps.config.webauthn.timeoutMs;
  if (input.email === undefined) {
    const challenge = await issueChallenge(deps, deps.db, { ceremony: 'signin', userId: null });
    return buildRequestOptions({ rp, challenge, timeoutMs });
  }
  const user = await findUserByEmail(deps.db, input.email);
  const keys = user ? await findSecurityKeysByUserId(deps.db, user.id) : [];
  if (!user || keys.length === 0) {
    // Stored like any challenge (same cost); without a user it only serves a discoverable
    // assertion, which proves its own account.
    const challenge = await issueChallenge(deps, deps.db, { ceremony: 'signin', userId: null });
    return buildRequestOptions({ rp, challenge, timeoutMs, allowCredentialIds: decoyCredentialIds(deps.encryptionKey, input.email) });
  }
  const challenge = await issueChallenge(deps, deps.db, { ceremony: 'signin', userId: user.id });
  return buildRequestOptions({ rp, challenge, timeoutMs, allowCredentialIds: keys.map((k) => k.credentialId) });
}

/**
 * `POST /signin/webauthn/verify` (API.md §3.3.12). The account is the one the challenge was issued
 * for (e-mail first) or, for a discoverable ceremony, the `userHandle`; a handle naming anyone else
 * than the challenge's user is refused. Without a handle in an e-mail-first ceremony we use the
 * challenge's user (the reference failed with a bare 500).
 */
export async function finishWebauthnSignIn(deps: FlowDeps, input: { credential: AssertionCredential }): Promise<Session> {
  assertWebauthnEnabled(deps);
  const challenge = await consumeChallenge(deps, input.credential, 'signin');
  const handleUserId = userIdOfUserHandle(input.credential.response.userHandle);
  const userId = challenge.userId ?? handleUserId;
  if (userId === null) throw new AuthError('invalid-request');
  if (challenge.userId !== null && handleUserId !== null && handleUserId !== challenge.userId) throw new AuthError('invalid-request');
  return deps.db.transaction(async (tx) => {
    await verifyUserAssertion(deps, tx, input.credential, challenge, userId);
    const user = await loadCheckedUser(deps, tx, userId);
    return issueSession(deps, tx, user);
  });
}

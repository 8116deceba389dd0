import { AuthError } from '../errors.js';
import { findSecurityKeysByUserId } from '../store/security-keys.js';
import type { FlowDeps } from './deps.js';
import { buildRequestOptions, userIdOfUserHandle, type RequestOptions } from './rules/webauthn-options.js';
import { issueSession, type Session } from './session.js';
import { loadCheckedUser, loadCheckedUserByEmail } from './user-checks.js';
import { assertWebauthnEnabled, consumeChallenge, issueChallenge, relyingParty, verifyUserAssertion, type AssertionCredential } from './webauthn-ceremony.js';

/**
 * `POST /signin/webauthn` (API.md §3.3.11): without an e-mail, a discoverable-credential ceremony
 * (the authenticator picks the account); with one, the options list that user's keys.
 */
export async function beginWebauthnSignIn(deps: FlowDeps, input: { email?: string | undefined }): Promise<RequestOptions> {
  assertWebauthnEnabled(deps);
  const rp = relyingParty(deps);
  const timeoutMs = deps.config.webauthn.timeoutMs;
  if (input.email === undefined) {
    const challenge = await issueChallenge(deps, deps.db, { ceremony: 'signin', userId: null });
    return buildRequestOptions({ rp, challenge, timeoutMs });
  }
  const user = await loadCheckedUserByEmail(deps, deps.db, input.email);
  const keys = await findSecurityKeysByUserId(deps.db, user.id);
  if (keys.length === 0) throw new AuthError('invalid-request');
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

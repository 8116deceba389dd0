import { AuthError } from '../errors.js';
import { isUniqueViolation } from '../store/db.js';
import { findSecurityKeysByUserId, insertSecurityKey } from '../store/security-keys.js';
import type { AuthContext } from './auth-context.js';
import type { FlowDeps } from './deps.js';
import { buildCreationOptions, type CreationOptions } from './rules/webauthn-options.js';
import { loadCheckedUser } from './user-checks.js';
import { assertWebauthnEnabled, consumeChallenge, issueChallenge, relyingParty, verifyAttestation, type CreationCredential } from './webauthn-ceremony.js';

/** `POST /user/webauthn/add` (API.md §3.8.3): registration options for the caller. */
export async function beginAddSecurityKey(deps: FlowDeps, auth: AuthContext): Promise<CreationOptions> {
  assertWebauthnEnabled(deps);
  const user = await loadCheckedUser(deps, deps.db, auth.userId);
  const keys = await findSecurityKeysByUserId(deps.db, user.id);
  const challenge = await issueChallenge(deps, deps.db, { ceremony: 'add-key', userId: user.id });
  return buildCreationOptions({
    rp: relyingParty(deps),
    user: { id: user.id, name: user.displayName },
    challenge,
    timeoutMs: deps.config.webauthn.timeoutMs,
    excludeCredentialIds: keys.map((k) => k.credentialId),
  });
}

/**
 * `POST /user/webauthn/verify` (API.md §3.8.4). Only a challenge issued to the caller matches. A
 * credential that is already registered answers `invalid-request` (the reference: a bare 500).
 */
export async function finishAddSecurityKey(deps: FlowDeps, auth: AuthContext, input: { credential: CreationCredential; nickname?: string | undefined }): Promise<{ id: string; nickname?: string }> {
  assertWebauthnEnabled(deps);
  const user = await loadCheckedUser(deps, deps.db, auth.userId);
  const challenge = await consumeChallenge(deps, input.credential, 'add-key', user.id);
  const key = await verifyAttestation(deps, input.credential, challenge);
  let id: string;
  try {
    id = await insertSecurityKey(deps.db, { userId: user.id, credentialId: key.credentialId, credentialPublicKey: key.publicKey, counter: key.counter, nickname: input.nickname ?? null });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AuthError('invalid-request', { cause: err });
    throw err;
  }
  return input.nickname === undefined ? { id } : { id, nickname: input.nickname };
}

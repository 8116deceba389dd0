/**
 * What every WebAuthn flow shares: the relying party, the challenge store (shared by all instances,
 * single-use, bound to its ceremony and user, expiring with AUTH_WEBAUTHN_ATTESTATION_TIMEOUT) and
 * assertion checking against a user's stored key with its signature counter.
 */
import type { Schemas } from '../contract/types.js';
import { AuthError } from '../errors.js';
import { parseClientData, verifyAssertion, verifyRegistration, WebauthnError, type RelyingParty, type VerifiedRegistration } from '../adapters/webauthn/webauthn.js';
import type { Queryable } from '../store/db.js';
import { findSecurityKeyByUserIdAndCredentialId, updateSecurityKeyCounter } from '../store/security-keys.js';
import { deleteExpiredWebauthnChallenges, deleteWebauthnChallenge, insertWebauthnChallenge, type WebauthnCeremony, type WebauthnChallengeRow } from '../store/webauthn-challenges.js';
import { toBase64Url } from '../adapters/webauthn/webauthn.js';
import type { FlowDeps } from './deps.js';

export type CreationCredential = Schemas['CredentialCreationResponse'];
export type AssertionCredential = Schemas['CredentialAssertionResponse'];

/** Every WebAuthn operation answers `disabled-endpoint` while AUTH_WEBAUTHN_ENABLED is off. */
export function assertWebauthnEnabled(deps: FlowDeps): void {
  if (!deps.config.webauthn.enabled) throw new AuthError('disabled-endpoint');
}

export function relyingParty(deps: FlowDeps): RelyingParty {
  const { rpId, rpName, rpOrigins } = deps.config.webauthn;
  return { id: rpId, name: rpName, origins: rpOrigins };
}

/** Stores a fresh challenge (32 random bytes, unpadded base64url) and returns it. */
export async function issueChallenge(
  deps: FlowDeps,
  db: Queryable,
  entry: { ceremony: WebauthnCeremony; userId: string | null; email?: string; options?: unknown },
): Promise<string> {
  const now = deps.clock.now();
  const challenge = deps.random.bytes(32).toString('base64url');
  await deleteExpiredWebauthnChallenges(db, now);
  await insertWebauthnChallenge(db, {
    challenge,
    ceremony: entry.ceremony,
    userId: entry.userId,
    email: entry.email ?? null,
    options: entry.options ?? null,
    expiresAt: new Date(now.getTime() + deps.config.webauthn.timeoutMs),
  }, now);
  return challenge;
}

/**
 * Finds and spends the challenge named in the credential's `clientDataJSON`, on the pool (not in a
 * transaction), so it stays spent even when the verification that follows fails. Unknown, expired,
 * used, issued for another ceremony or (with `userId`) for another user: `invalid-request`.
 */
export async function consumeChallenge(
  deps: FlowDeps,
  credential: { response: { clientDataJSON: string } },
  ceremony: WebauthnCeremony,
  userId?: string,
): Promise<WebauthnChallengeRow> {
  let challenge: string;
  try {
    challenge = parseClientData(credential.response.clientDataJSON).challenge;
  } catch (err) {
    throw new AuthError('invalid-request', { cause: err });
  }
  const row = await deleteWebauthnChallenge(deps.db, challenge, ceremony, deps.clock.now(), userId);
  if (!row) throw new AuthError('invalid-request');
  return row;
}

/** Verifies an attestation against a spent challenge; any failure is `invalid-request`. */
export async function verifyAttestation(deps: FlowDeps, credential: CreationCredential, challenge: WebauthnChallengeRow): Promise<VerifiedRegistration> {
  try {
    return await verifyRegistration({ credential, expectedChallenge: challenge.challenge, rp: relyingParty(deps) });
  } catch (err) {
    if (err instanceof WebauthnError) throw new AuthError('invalid-request', { cause: err });
    throw err;
  }
}

/**
 * Verifies an assertion with one of `userId`'s keys and records its signature counter. A key of
 * another user, a bad signature or a counter that did not increase: `invalid-request`.
 */
export async function verifyUserAssertion(deps: FlowDeps, tx: Queryable, credential: AssertionCredential, challenge: WebauthnChallengeRow, userId: string): Promise<void> {
  const key = await findSecurityKeyByUserIdAndCredentialId(tx, userId, toBase64Url(credential.rawId));
  if (!key || key.credentialPublicKey === null) throw new AuthError('invalid-request');
  let newCounter: number;
  try {
    ({ newCounter } = await verifyAssertion({
      credential,
      expectedChallenge: challenge.challenge,
      rp: relyingParty(deps),
      key: { credentialId: key.credentialId, publicKey: key.credentialPublicKey, counter: key.counter },
    }));
  } catch (err) {
    if (err instanceof WebauthnError) throw new AuthError('invalid-request', { cause: err });
    throw err;
  }
  // Compared again in SQL: two concurrent uses of one counter value cannot both pass.
  if (!(await updateSecurityKeyCounter(tx, key.id, newCounter))) throw new AuthError('invalid-request');
}

import { createHash } from 'node:crypto';
import { AuthError } from '../errors.js';
import type { Queryable } from '../store/db.js';
import { deleteAuthorizationCodeByHashAndChallenge, deleteExpiredAuthorizationCodes, insertAuthorizationCode } from '../store/pkce-codes.js';
import type { FlowDeps } from './deps.js';
import { issueSession, type Session } from './session.js';
import { loadCheckedUser } from './user-checks.js';

/** Authorization codes of the PKCE redirects live five minutes and work once (API-NEWER.md §2.4). */
const AUTHORIZATION_CODE_TTL_MS = 5 * 60 * 1000;

/** base64url without padding of SHA-256: both the stored code hash and the S256 challenge. */
export function s256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/**
 * Stores a one-time code for `userId`, bound to the flow's `codeChallenge`, and returns the code to
 * put in the redirect instead of a refresh token. Only its hash is kept.
 */
export async function createAuthorizationCode(deps: FlowDeps, tx: Queryable, input: { userId: string; codeChallenge: string; redirectTo: string }): Promise<string> {
  const now = deps.clock.now();
  const code = deps.random.bytes(32).toString('base64url');
  await deleteExpiredAuthorizationCodes(tx, now);
  await insertAuthorizationCode(tx, {
    userId: input.userId,
    codeHash: s256(code),
    codeChallenge: input.codeChallenge,
    redirectTo: input.redirectTo,
    expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_TTL_MS),
    now,
  });
  return code;
}

/**
 * `POST /token/exchange` (API-NEWER.md §2.3.1): code + verifier → session. The code is spent only
 * together with the right verifier, so a wrong guess does not burn it for its owner; every failure
 * answers `invalid-request`. Code and challenge are compared by the database (STYLE: secrets are
 * compared in SQL or in constant time).
 */
export async function exchangeAuthorizationCode(deps: FlowDeps, input: { code: string; codeVerifier: string }): Promise<Session> {
  const challenge = s256(input.codeVerifier);
  return deps.db.transaction(async (tx) => {
    const spent = await deleteAuthorizationCodeByHashAndChallenge(tx, s256(input.code), challenge, deps.clock.now());
    if (!spent) throw new AuthError('invalid-request');
    const user = await loadCheckedUser(deps, tx, spent.userId);
    return issueSession(deps, tx, user);
  });
}

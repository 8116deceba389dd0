import { hashRefreshToken, newRefreshToken, openNextToken, sealNextToken } from '../adapters/tokens/index.js';
import { AuthError } from '../errors.js';
import {
  deleteRefreshTokenById,
  deleteRefreshTokenRotationsByIdBefore,
  findRefreshTokenByHash,
  findRefreshTokenRotationByHash,
  insertRefreshTokenRotation,
  updateRefreshTokenRotate,
} from '../store/refresh-tokens.js';
import { findUserRolesByUserId } from '../store/user-roles.js';
import { findUserById, updateUserLastSeen, type UserRow } from '../store/users.js';
import type { FlowDeps } from './deps.js';
import { buildSession, type Session } from './session.js';
import { checkUser } from './user-checks.js';
import { withDefaultRole } from './user-view.js';

/** Longest chain of rotations followed for a replay inside the grace window. */
const MAX_CHAIN = 8;

/**
 * `POST /token` (API.md §3.4.1, TOKENS.md §6.2) with reuse detection: the presented token is
 * rotated; a rotated-out token presented again within AUTH_REFRESH_TOKEN_REUSE_GRACE (two tabs
 * refreshing at once, or a client that lost the answer) gets the token that replaced it; presented
 * later, it revokes the whole session family, because only a copy of a stolen token explains it.
 */
export async function refreshSession(deps: FlowDeps, presented: string): Promise<Session> {
  const oldHash = hashRefreshToken(presented);
  const now = deps.clock.now();
  const row = await findRefreshTokenByHash(deps.db, oldHash, 'regular', now);
  if (!row) return answerReplay(deps, presented, oldHash);

  const user = await findUserById(deps.db, row.userId);
  if (!user) throw new AuthError('invalid-refresh-token');
  checkUser(deps, user, 'refresh');

  const next = newRefreshToken();
  const expiresAt = new Date(now.getTime() + deps.config.tokens.refreshTokenExpiresInSeconds * 1000);
  const rotated = await deps.db.transaction(async (tx) => {
    if (!(await updateRefreshTokenRotate(tx, row.id, oldHash, hashRefreshToken(next), expiresAt))) return false;
    await insertRefreshTokenRotation(tx, oldHash, row.id, sealNextToken(presented, next), now);
    await deleteRefreshTokenRotationsByIdBefore(tx, row.id, new Date(now.getTime() - deps.config.tokens.refreshTokenExpiresInSeconds * 1000));
    await updateUserLastSeen(tx, user.id, now);
    return true;
  });
  // Lost a race with a concurrent refresh of the same token: answer as a replay inside the grace.
  if (!rotated) return answerReplay(deps, presented, oldHash);
  return refreshedSession(deps, user, { token: next, id: row.id });
}

/** The session answered by `POST /token`: stored roles plus the default role, real anonymous flag. */
async function refreshedSession(deps: FlowDeps, user: UserRow, refresh: { token: string; id: string }): Promise<Session> {
  const roles = withDefaultRole(await findUserRolesByUserId(deps.db, user.id), user.defaultRole);
  return buildSession(deps, user, roles, refresh, { showAnonymousFlag: true });
}

async function answerReplay(deps: FlowDeps, presented: string, oldHash: string): Promise<Session> {
  const rotation = await findRefreshTokenRotationByHash(deps.db, oldHash);
  if (!rotation) throw new AuthError('invalid-refresh-token');
  const now = deps.clock.now();
  const ageMs = now.getTime() - rotation.rotatedAt.getTime();
  const graceMs = deps.config.tokens.refreshTokenReuseGraceMs;
  // A grace of 0 turns it off: every replay revokes, even within the same millisecond.
  if (graceMs === 0 || ageMs > graceMs) {
    await deleteRefreshTokenById(deps.db, rotation.refreshTokenId);
    deps.log.warn({ refreshTokenId: rotation.refreshTokenId, rotatedSecondsAgo: Math.round(ageMs / 1000) }, 'refresh token reuse detected: session revoked');
    throw new AuthError('invalid-refresh-token');
  }
  // Within the grace: follow the chain to the token that is current now.
  let current = openNextToken(presented, rotation.nextTokenSealed);
  for (let step = 0; current !== null && step < MAX_CHAIN; step++) {
    const live = await findRefreshTokenByHash(deps.db, hashRefreshToken(current), 'regular', now);
    if (live) {
      const user = await findUserById(deps.db, live.userId);
      if (!user) break;
      checkUser(deps, user, 'refresh');
      return refreshedSession(deps, user, { token: current, id: live.id });
    }
    const later = await findRefreshTokenRotationByHash(deps.db, hashRefreshToken(current));
    current = later ? openNextToken(current, later.nextTokenSealed) : null;
  }
  throw new AuthError('invalid-refresh-token');
}

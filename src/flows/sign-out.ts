import { hashRefreshToken } from '../adapters/tokens/index.js';
import { AuthError } from '../errors.js';
import { deleteRefreshTokenById, deleteRefreshTokensByHash, deleteRefreshTokensByUserId, findRefreshTokenRotationByHash } from '../store/refresh-tokens.js';
import type { AuthContext } from './auth-context.js';
import type { FlowDeps } from './deps.js';

/**
 * `POST /signout` (API.md §3.4.3). Signing out with a token that was already rotated out (the
 * SDK refreshes just before it signs out, then sends the token it read earlier) ends the session
 * it belonged to: the reference deleted nothing and left that session alive.
 */
export async function signOut(deps: FlowDeps, auth: AuthContext | null, input: { refreshToken?: unknown; all?: unknown }): Promise<void> {
  if (input.all === true) {
    if (!auth) throw new AuthError('invalid-request');
    await deleteRefreshTokensByUserId(deps.db, auth.userId);
    return;
  }
  if (typeof input.refreshToken !== 'string' || input.refreshToken === '') throw new AuthError('invalid-request');
  const tokenHash = hashRefreshToken(input.refreshToken);
  if ((await deleteRefreshTokensByHash(deps.db, tokenHash)) > 0) return;
  const rotation = await findRefreshTokenRotationByHash(deps.db, tokenHash);
  if (rotation) await deleteRefreshTokenById(deps.db, rotation.refreshTokenId);
}

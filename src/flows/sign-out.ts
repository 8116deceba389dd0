import { hashRefreshToken } from '../adapters/tokens/index.js';
import { AuthError } from '../errors.js';
import { deleteRefreshTokensByHash, deleteRefreshTokensByUserId } from '../store/refresh-tokens.js';
import type { AuthContext } from './auth-context.js';
import type { FlowDeps } from './deps.js';

/** `POST /signout` (API.md §3.4.3). */
export async function signOut(deps: FlowDeps, auth: AuthContext | null, input: { refreshToken?: unknown; all?: unknown }): Promise<void> {
  if (input.all === true) {
    if (!auth) throw new AuthError('invalid-request');
    await deleteRefreshTokensByUserId(deps.db, auth.userId);
    return;
  }
  if (typeof input.refreshToken !== 'string' || input.refreshToken === '') throw new AuthError('invalid-request');
  await deleteRefreshTokensByHash(deps.db, hashRefreshToken(input.refreshToken));
}

import { hashRefreshToken } from '../adapters/tokens/index.js';
import { AuthError } from '../errors.js';
import { findRefreshTokenByHash } from '../store/refresh-tokens.js';
import { findUserById } from '../store/users.js';
import type { AuthContext } from './auth-context.js';
import type { FlowDeps } from './deps.js';
import { createRefreshToken, issueSession, type Session } from './session.js';
import { checkUser, loadCheckedUser } from './user-checks.js';

/** `POST /pat` (API.md §3.8.1, TOKENS.md §7): the value is shown once, only its hash is kept. */
export async function createPersonalAccessToken(
  deps: FlowDeps,
  auth: AuthContext,
  input: { expiresAt: Date; metadata?: Record<string, unknown> | undefined },
): Promise<{ id: string; personalAccessToken: string }> {
  const user = await loadCheckedUser(deps, deps.db, auth.userId);
  const pat = await createRefreshToken(deps, deps.db, user.id, { type: 'pat', expiresAt: input.expiresAt, metadata: input.metadata ?? null });
  return { id: pat.id, personalAccessToken: pat.token };
}

/** `POST /signin/pat` (API.md §3.3.9): a new regular session; the PAT itself is unchanged. */
export async function signInWithPersonalAccessToken(deps: FlowDeps, personalAccessToken: string): Promise<Session> {
  const row = await findRefreshTokenByHash(deps.db, hashRefreshToken(personalAccessToken), 'pat', deps.clock.now());
  if (!row) throw new AuthError('invalid-pat');
  const user = await findUserById(deps.db, row.userId);
  if (!user) throw new AuthError('invalid-pat');
  checkUser(deps, user);
  return deps.db.transaction((tx) => issueSession(deps, tx, user));
}

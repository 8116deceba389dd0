import { AuthError } from '../errors.js';
import type { AuthContext } from './auth-context.js';
import { verifyJwt } from '../adapters/tokens/index.js';
import type { FlowDeps } from './deps.js';
import { loadCheckedUser } from './user-checks.js';

/** `POST /token/verify` (API.md §3.4.2). */
export async function verifyToken(deps: FlowDeps, auth: AuthContext | null, token: string | undefined): Promise<void> {
  if (token !== undefined) {
    // A token in the body is checked cryptographically only; the user's state is not consulted.
    const raw = token.startsWith('Bearer ') ? token.slice('Bearer '.length) : token;
    // Any token this server signed passes, with or without `sub` (TOKENS.md §12).
    await verifyJwt(deps.keys, raw, { now: deps.clock.now() }).catch((err: unknown) => {
      throw new AuthError('invalid-request', { cause: err });
    });
    return;
  }
  if (!auth) throw new AuthError('invalid-request');
  await loadCheckedUser(deps, deps.db, auth.userId);
}

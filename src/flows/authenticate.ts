import type { FlowDeps } from './deps.js';
import type { AuthContext } from './auth-context.js';
import { parseBearer } from './rules/bearer.js';
import { verifyAccessToken } from '../adapters/tokens/index.js';

export type Authentication = { ok: true; auth: AuthContext } | { ok: false; reason: string };

/** Verifies a raw access token (no database access, API.md §1.3). */
export async function authenticateToken(deps: FlowDeps, token: string): Promise<Authentication> {
  try {
    const verified = await verifyAccessToken(deps.keys, token, { now: deps.clock.now() });
    const claims = verified.claims;
    const text = (key: string): string | undefined => {
      const v = claims[key];
      return typeof v === 'string' ? v : undefined;
    };
    const sid = verified.payload['sid'];
    return {
      ok: true,
      auth: {
        userId: verified.sub,
        hasuraUserId: text('x-hasura-user-id'),
        isAnonymousClaim: text('x-hasura-user-is-anonymous'),
        isElevated: verified.isElevated,
        sessionId: typeof sid === 'string' ? sid : undefined,
        token,
      },
    };
  } catch (err) {
    return { ok: false, reason: `error validating token: ${(err as Error).message}` };
  }
}

/** Reads `Authorization: Bearer <jwt>` and verifies it. */
export async function authenticateHeader(deps: FlowDeps, header: string | undefined): Promise<Authentication> {
  const token = parseBearer(header);
  if (token === null) return { ok: false, reason: 'invalid authorization header' };
  return authenticateToken(deps, token);
}

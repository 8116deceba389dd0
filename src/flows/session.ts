import type { Schemas } from '../contract/types.js';
import { hashRefreshToken, newRefreshToken, signAccessToken } from '../adapters/tokens/index.js';
import { isTransaction, type Queryable } from '../store/db.js';
import { insertRefreshToken, type RefreshTokenType } from '../store/refresh-tokens.js';
import { findUserRolesByUserId } from '../store/user-roles.js';
import { updateUserLastSeen, type UserRow } from '../store/users.js';
import type { FlowDeps } from './deps.js';
import { fetchCustomClaims } from './custom-claims.js';
import { sessionUserView, withDefaultRole, type UserView } from './user-view.js';

export type Session = Schemas['Session'];

export interface AccessTokenSubject {
  userId: string;
  defaultRole: string;
  allowedRoles: string[];
  isAnonymous: boolean;
  /** The refresh-token row this access token belongs to (Latchkey's `sid` claim). */
  sessionId: string;
  isElevated?: boolean;
}

/** Mints an access token for a subject (TOKENS.md §2–3), with its custom claims (§4). */
export async function mintAccessToken(deps: FlowDeps, subject: AccessTokenSubject): Promise<string> {
  const customClaims = await fetchCustomClaims(deps, subject.userId);
  return signAccessToken(deps.keys, {
    userId: subject.userId,
    defaultRole: subject.defaultRole,
    allowedRoles: subject.allowedRoles,
    isAnonymous: subject.isAnonymous,
    elevated: subject.isElevated ?? false,
    expiresInSeconds: deps.config.tokens.accessTokenExpiresInSeconds,
    now: deps.clock.now(),
    extraClaims: { sid: subject.sessionId },
    customClaims,
    onDroppedClaim: (name) => deps.log.warn({ claim: name }, 'custom claim left out: its name is taken by a standard claim'),
  });
}

/** Stores a new refresh token (only its hash) and returns the plaintext with its row id. */
export async function createRefreshToken(
  deps: FlowDeps,
  tx: Queryable,
  userId: string,
  options: { type?: RefreshTokenType; expiresAt?: Date; metadata?: unknown } = {},
): Promise<{ token: string; id: string }> {
  const now = deps.clock.now();
  const token = newRefreshToken();
  const id = await insertRefreshToken(tx, {
    userId,
    tokenHash: hashRefreshToken(token),
    type: options.type ?? 'regular',
    expiresAt: options.expiresAt ?? new Date(now.getTime() + deps.config.tokens.refreshTokenExpiresInSeconds * 1000),
    metadata: options.metadata ?? null,
    now,
  });
  return { token, id };
}

export interface IssueSessionOptions {
  /** Roles for the token and the session user; default: stored roles + default role. */
  roles?: string[];
  /** Show the stored anonymous flag instead of the reference's constant false. */
  showAnonymousFlag?: boolean;
  isElevated?: boolean;
}

/** *New session* (API.md §1.12.7): refresh token, last_seen, access token, session payload. */
export async function issueSession(deps: FlowDeps, tx: Queryable, user: UserRow, options: IssueSessionOptions = {}): Promise<Session> {
  const roles = options.roles ?? withDefaultRole(await findUserRolesByUserId(tx, user.id), user.defaultRole);
  const refresh = await createRefreshToken(deps, tx, user.id);
  await updateUserLastSeen(tx, user.id, deps.clock.now());
  if (deps.customClaims === undefined || !isTransaction(tx)) return buildSession(deps, user, roles, refresh, options);
  // Hasura reads the user for the custom claims through its own connection, so a user created in
  // this transaction is invisible to it until COMMIT: the token is minted right after (the
  // reference also commits first). The caller receives the session once it is complete.
  const session = sessionPayload(deps, user, roles, refresh, '', options);
  tx.afterCommit(async () => {
    session.accessToken = await mintAccessToken(deps, accessTokenSubject(user, roles, refresh, options));
  });
  return session;
}

function accessTokenSubject(user: UserRow, roles: string[], refresh: { id: string }, options: { isElevated?: boolean }): AccessTokenSubject {
  return {
    userId: user.id,
    defaultRole: user.defaultRole,
    allowedRoles: roles,
    isAnonymous: user.isAnonymous,
    sessionId: refresh.id,
    isElevated: options.isElevated ?? false,
  };
}

function sessionPayload(
  deps: FlowDeps,
  user: UserRow,
  roles: string[],
  refresh: { token: string; id: string },
  accessToken: string,
  options: { showAnonymousFlag?: boolean },
): Session {
  const view: UserView = sessionUserView(user, roles, { showAnonymousFlag: options.showAnonymousFlag ?? false });
  return {
    accessToken,
    accessTokenExpiresIn: deps.config.tokens.accessTokenExpiresInSeconds,
    refreshToken: refresh.token,
    refreshTokenId: refresh.id,
    user: view,
  };
}

/** Assembles the Session payload around an already stored refresh token. */
export async function buildSession(
  deps: FlowDeps,
  user: UserRow,
  roles: string[],
  refresh: { token: string; id: string },
  options: { showAnonymousFlag?: boolean; isElevated?: boolean } = {},
): Promise<Session> {
  const accessToken = await mintAccessToken(deps, accessTokenSubject(user, roles, refresh, options));
  return sessionPayload(deps, user, roles, refresh, accessToken, options);
}

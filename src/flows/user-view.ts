import type { Schemas } from '../contract/types.js';
import type { UserRow } from '../store/users.js';

export type UserView = Schemas['User'];

/** Stored metadata as sessions show it: the JSON object, or null (API.md §2.5). */
function sessionMetadata(metadata: unknown): Record<string, unknown> | null {
  return metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : null;
}

function baseView(user: UserRow, roles: string[]): Omit<UserView, 'metadata' | 'isAnonymous' | 'activeMfaType'> {
  const view: Omit<UserView, 'metadata' | 'isAnonymous' | 'activeMfaType'> = {
    id: user.id,
    createdAt: user.createdAt.toISOString(),
    displayName: user.displayName,
    avatarUrl: user.avatarUrl,
    locale: user.locale,
    emailVerified: user.emailVerified,
    phoneNumberVerified: user.phoneNumberVerified,
    defaultRole: user.defaultRole,
    roles,
  };
  // Omitted, not null, when absent (API.md §2.5).
  if (user.email !== null) view.email = user.email;
  if (user.phoneNumber !== null) view.phoneNumber = user.phoneNumber;
  return view;
}

/**
 * The user inside a session. Quirks kept (API.md §1.12.7): `activeMfaType` is always null, and
 * `isAnonymous` is false unless the caller passes the real flag (refresh and anonymous sign-in).
 */
export function sessionUserView(user: UserRow, roles: string[], options: { showAnonymousFlag: boolean }): UserView {
  return {
    ...baseView(user, roles),
    isAnonymous: options.showAnonymousFlag ? user.isAnonymous : false,
    metadata: sessionMetadata(user.metadata),
    activeMfaType: null,
  } as UserView;
}

/** `GET /user` (API.md §3.6.1): stored roles only, real flags, `{}` for SQL NULL metadata. */
export function profileUserView(user: UserRow, roles: string[]): UserView {
  let metadata: Record<string, unknown> | null;
  if (user.metadata === undefined) metadata = {};
  else if (user.metadata === null) metadata = null; // JSON null in the column — see note below
  else metadata = sessionMetadata(user.metadata) ?? {};
  return {
    ...baseView(user, roles),
    isAnonymous: user.isAnonymous,
    metadata,
    activeMfaType: user.activeMfaType === 'totp' ? 'totp' : null,
  } as UserView;
}

/** Roles for tokens and sessions: stored roles plus the default role when missing (TOKENS.md §3.2). */
export function withDefaultRole(roles: string[], defaultRole: string): string[] {
  return roles.includes(defaultRole) ? roles : [...roles, defaultRole];
}

import { findUserRolesByUserId } from '../store/user-roles.js';
import type { AuthContext } from './auth-context.js';
import type { FlowDeps } from './deps.js';
import { loadCheckedUser } from './user-checks.js';
import { profileUserView, type UserView } from './user-view.js';

/** `GET /user` (API.md §3.6.1). */
export async function getUser(deps: FlowDeps, auth: AuthContext): Promise<UserView> {
  const user = await loadCheckedUser(deps, deps.db, auth.userId);
  return profileUserView(user, await findUserRolesByUserId(deps.db, user.id));
}

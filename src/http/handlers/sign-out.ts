import { signOut as signOutSessions } from '../../flows/sign-out.js';
import type { Handler } from '../handler.js';

export const signOut: Handler<'signOut'> = async (deps, { body, auth }) => {
  await signOutSessions(deps, auth, body as { refreshToken?: unknown; all?: unknown });
  return { status: 200, body: 'OK' };
};

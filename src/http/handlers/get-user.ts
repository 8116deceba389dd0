import { getUser as loadUser } from '../../flows/user.js';
import { AuthError } from '../../errors.js';
import type { Handler } from '../handler.js';

export const getUser: Handler<'getUser'> = async (deps, { auth }) => {
  if (!auth) throw new AuthError('invalid-request');
  return { status: 200, body: await loadUser(deps, auth) };
};

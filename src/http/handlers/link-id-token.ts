import { linkIdToken as linkIdTokenToUser } from '../../flows/id-token-sign-in.js';
import { AuthError } from '../../errors.js';
import type { Handler } from '../handler.js';

export const linkIdToken: Handler<'linkIdToken'> = async (deps, { body, auth }) => {
  if (!auth) throw new AuthError('invalid-request');
  await linkIdTokenToUser(deps, auth, body);
  return { status: 200, body: 'OK' };
};

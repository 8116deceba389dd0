import { AuthError } from '../../errors.js';
import { beginAddSecurityKey } from '../../flows/webauthn-security-keys.js';
import type { Handler } from '../handler.js';

export const addSecurityKey: Handler<'addSecurityKey'> = async (deps, { auth }) => {
  if (!auth) throw new AuthError('invalid-request');
  return { status: 200, body: await beginAddSecurityKey(deps, auth) };
};

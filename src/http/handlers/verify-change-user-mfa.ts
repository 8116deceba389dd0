import { changeActiveMfa } from '../../flows/mfa-totp.js';
import { AuthError } from '../../errors.js';
import type { Handler } from '../handler.js';

export const verifyChangeUserMfa: Handler<'verifyChangeUserMfa'> = async (deps, { body, auth }) => {
  if (!auth) throw new AuthError('invalid-request');
  await changeActiveMfa(deps, auth, { code: body.code, activeMfaType: body.activeMfaType });
  return { status: 200, body: 'OK' };
};

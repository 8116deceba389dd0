import { generateTotpSecret } from '../../flows/mfa-totp.js';
import { AuthError } from '../../errors.js';
import type { Handler } from '../handler.js';

export const changeUserMfa: Handler<'changeUserMfa'> = async (deps, { auth }) => {
  if (!auth) throw new AuthError('invalid-request');
  return { status: 200, body: await generateTotpSecret(deps, auth) };
};

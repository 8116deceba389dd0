import { requestEmailChange } from '../../flows/email-account.js';
import { AuthError } from '../../errors.js';
import type { Handler } from '../handler.js';

export const changeUserEmail: Handler<'changeUserEmail'> = async (deps, { body, auth }) => {
  if (!auth) throw new AuthError('invalid-request');
  await requestEmailChange(deps, auth, { newEmail: body.newEmail, options: body.options, codeChallenge: body.codeChallenge });
  return { status: 200, body: 'OK' };
};

import { deanonymize } from '../../flows/anonymous.js';
import { AuthError } from '../../errors.js';
import type { Handler } from '../handler.js';

export const deanonymizeUser: Handler<'deanonymizeUser'> = async (deps, { body, auth }) => {
  if (!auth) throw new AuthError('invalid-request');
  await deanonymize(deps, auth, { signInMethod: body.signInMethod, email: body.email, password: body.password, options: body.options, codeChallenge: body.codeChallenge });
  return { status: 200, body: 'OK' };
};

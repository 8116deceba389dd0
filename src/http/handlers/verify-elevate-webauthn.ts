import { AuthError } from '../../errors.js';
import { finishElevation } from '../../flows/webauthn-elevate.js';
import type { Handler } from '../handler.js';

export const verifyElevateWebauthn: Handler<'verifyElevateWebauthn'> = async (deps, { body, auth }) => {
  if (!auth) throw new AuthError('invalid-request');
  const session = await finishElevation(deps, auth, { credential: body.credential });
  return { status: 200, body: { session } };
};

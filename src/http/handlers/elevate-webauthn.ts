import { AuthError } from '../../errors.js';
import { beginElevation } from '../../flows/webauthn-elevate.js';
import type { Handler } from '../handler.js';

export const elevateWebauthn: Handler<'elevateWebauthn'> = async (deps, { auth }) => {
  if (!auth) throw new AuthError('invalid-request');
  return { status: 200, body: await beginElevation(deps, auth) };
};

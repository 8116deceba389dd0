import { AuthError } from '../../errors.js';
import { finishAddSecurityKey } from '../../flows/webauthn-security-keys.js';
import type { Handler } from '../handler.js';

export const verifyAddSecurityKey: Handler<'verifyAddSecurityKey'> = async (deps, { body, auth }) => {
  if (!auth) throw new AuthError('invalid-request');
  return { status: 200, body: await finishAddSecurityKey(deps, auth, { credential: body.credential, nickname: body.nickname }) };
};

import { createPersonalAccessToken } from '../../flows/pat.js';
import { AuthError } from '../../errors.js';
import type { Handler } from '../handler.js';

export const createPAT: Handler<'createPAT'> = async (deps, { body, auth }) => {
  if (!auth) throw new AuthError('invalid-request');
  const created = await createPersonalAccessToken(deps, auth, { expiresAt: new Date(body.expiresAt), metadata: body.metadata });
  return { status: 200, body: created };
};

import { signInWithPersonalAccessToken } from '../../flows/pat.js';
import type { Handler } from '../handler.js';

export const signInPAT: Handler<'signInPAT'> = async (deps, { body }) => {
  const session = await signInWithPersonalAccessToken(deps, body.personalAccessToken);
  return { status: 200, body: { session } };
};

import { signInWithIdToken } from '../../flows/id-token-sign-in.js';
import type { Handler } from '../handler.js';

export const signInIdToken: Handler<'signInIdToken'> = async (deps, { body }) => {
  const session = await signInWithIdToken(deps, body);
  return { status: 200, body: session ? { session } : {} };
};

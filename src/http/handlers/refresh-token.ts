import { refreshSession } from '../../flows/refresh-token.js';
import type { Handler } from '../handler.js';

export const refreshToken: Handler<'refreshToken'> = async (deps, { body }) => {
  const session = await refreshSession(deps, body.refreshToken);
  return { status: 200, body: session };
};

import { verifyToken as verifyAccessToken } from '../../flows/verify-token.js';
import type { Handler } from '../handler.js';

export const verifyToken: Handler<'verifyToken'> = async (deps, { body, auth }) => {
  await verifyAccessToken(deps, auth, body?.token);
  return { status: 200, body: 'OK' };
};

import { exchangeAuthorizationCode } from '../../flows/pkce.js';
import type { Handler } from '../handler.js';

export const tokenExchange: Handler<'tokenExchange'> = async (deps, { body }) => {
  const session = await exchangeAuthorizationCode(deps, { code: body.code, codeVerifier: body.codeVerifier });
  return { status: 200, body: { session } };
};

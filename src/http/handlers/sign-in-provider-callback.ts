import { finishProviderSignIn } from '../../flows/oauth-sign-in.js';
import type { Handler } from '../handler.js';
import { oauthRedirect } from './oauth-redirect.js';

export const signInProviderCallback: Handler<'signInProviderCallback'> = async (deps, { query, params, request }) => {
  const result = await finishProviderSignIn(deps, { provider: params.provider, params: query, cookieHeader: request.headers.cookie });
  return oauthRedirect(deps, result);
};

import { finishProviderSignIn } from '../../flows/oauth-sign-in.js';
import type { Schemas } from '../../contract/types.js';
import type { Handler } from '../handler.js';
import { oauthRedirect } from './oauth-redirect.js';

/** Apple's `response_mode=form_post`: the same callback with the parameters in a form body. */
export const signInProviderCallbackPost: Handler<'signInProviderCallbackPost'> = async (deps, { body: form, params, request }) => {
  // The contract types map JSON bodies only; the router has validated this form against ProviderCallbackForm.
  const body = form as unknown as Schemas['ProviderCallbackForm'];
  const text = (key: string): string | undefined => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  const result = await finishProviderSignIn(deps, {
    provider: params.provider,
    params: {
      state: body.state,
      code: text('code'),
      id_token: text('id_token'),
      iss: text('iss'),
      user: text('user'),
      error: text('error'),
      error_description: text('error_description'),
      error_uri: text('error_uri'),
    },
    cookieHeader: request.headers.cookie,
  });
  return oauthRedirect(deps, result);
};

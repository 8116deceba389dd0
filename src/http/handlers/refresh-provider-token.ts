import { refreshProviderTokens } from '../../flows/provider-tokens.js';
import type { Handler } from '../handler.js';

export const refreshProviderToken: Handler<'refreshProviderToken'> = async (deps, { body, params }) => {
  return { status: 200, body: await refreshProviderTokens(deps, params.provider, body.refreshToken) };
};
